/** esbuild's binary loader: a .wasm import is its bytes (the bundle embeds the tfjs wasm binaries). */
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
