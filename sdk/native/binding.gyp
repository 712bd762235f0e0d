{
  "targets": [
    {
      "target_name": "hypnest_dnnl",
      "sources": ["hypnest_dnnl.cc"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp", "-fexceptions", "-fno-trapping-math"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
