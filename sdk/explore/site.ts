/**
 * The standalone explorer: a static site (index.html, one page per widget, the bundle, the weights as files of the
 * same origin). `npm run explorer` writes it to out/explorer/; `hypnest explore` serves it on 127.0.0.1.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { BUNDLE_FILE, explorerBundle, portableWeights } from './assets';
import { ExplorerWidget, mountHtml, radiusExplorer } from './widgets';
import { ddimScrubberWidget, geodesicWalkWidget, nestedLevelsWidget } from './more-widgets';

export interface SiteFile {
  readonly type: string;
  readonly body: string | Uint8Array;
}

const page = (title: string, body: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>body { font: 14px/1.5 system-ui, sans-serif; margin: 24px auto; max-width: 1000px; padding: 0 12px; } a { color: #1f5fa8; }</style>
</head><body>
${body}
</body></html>
`;

const PAGES: { file: string; make: () => ExplorerWidget; about: string }[] = [
  {
    file: 'radius.html',
    make: () => radiusExplorer(),
    about:
      'HypDAE: one few-shot input, its code on the Poincaré disk, a radius slider and a draggable target; the hyperbolic ball and its Euclidean twin decode side by side at the same R.',
  },
  {
    file: 'geodesic.html',
    make: () => geodesicWalkWidget(),
    about: 'HypDAE: two few-shot inputs, the geodesic between their codes on the Poincaré disk, a slider for t and the image decoded at t.',
  },
  {
    file: 'nested.html',
    make: () => nestedLevelsWidget(),
    about:
      'Nested diffusion (L = 5): coarse to fine, latents as heat maps; re-draw one level while the coarser ones stay; guidance and σ² per level.',
  },
  {
    file: 'ddim.html',
    make: () => ddimScrubberWidget(),
    about: 'DDIM, step by step: x_t and the predicted x̂₀ at every step of a generation and of an inversion (HypDAE stage I), on a slider.',
  },
];

/** Every file of the site, by relative path. */
export function explorerSite(): Map<string, SiteFile> {
  const files = new Map<string, SiteFile>();
  files.set(BUNDLE_FILE, { type: 'text/javascript', body: explorerBundle() });
  const links: string[] = [];
  for (const p of PAGES) {
    const w = p.make();
    for (const key of w.weights)
      if (!files.has(`weights/${key}.safetensors`))
        files.set(`weights/${key}.safetensors`, { type: 'application/octet-stream', body: portableWeights(key) });
    const body = `<p><a href="index.html">hypnest explorer</a></p>\n<h1>${w.title}</h1>\n<p>${p.about}</p>\n<script src="${BUNDLE_FILE}"></script>\n<script>hypnest.setWeightsBase('weights/');</script>\n${mountHtml(w)}`;
    files.set(p.file, { type: 'text/html', body: page(w.title, body) });
    links.push(`<li><a href="${p.file}">${w.title}</a>: ${p.about}</li>`);
  }
  files.set('index.html', {
    type: 'text/html',
    body: page(
      'hypnest explorer',
      `<h1>hypnest explorer</h1>\n<p>The shipped models run in this page (TensorFlow.js: WebGPU/WebGL on a GPU, WebAssembly otherwise); every slider and drag really generates.</p>\n<ul>\n${links.join('\n')}\n</ul>`,
    ),
  });
  return files;
}

/** Writes the site into `dir` (created); returns the files written. */
export function writeExplorerSite(dir: string): string[] {
  const written: string[] = [];
  for (const [rel, f] of explorerSite()) {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, f.body);
    written.push(file);
  }
  return written;
}

/** Serves the site on host:port (port 0 = any free one); resolves with the server and its URL. */
export function serveExplorer(port = 0, host = '127.0.0.1'): Promise<{ server: http.Server; url: string }> {
  const files = explorerSite();
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    const f = files.get(rel);
    if (!f || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: /${rel}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-cache' }).end(f.body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const a = server.address() as { port: number };
      resolve({ server, url: `http://${host}:${a.port}/` });
    });
  });
}
