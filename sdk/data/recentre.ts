/** A centred square canvas change: pad with −1 (from < to) or crop (from > to), for `count` images. */
export function recentre(src: ArrayLike<number>, count: number, from: number, to: number): Float32Array {
  const out = new Float32Array(count * to * to).fill(-1);
  const off = Math.floor(Math.abs(to - from) / 2);
  const m = Math.min(from, to);
  for (let i = 0; i < count; i++) {
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < m; c++) {
        const [sr, sc, dr, dc] = from < to ? [r, c, r + off, c + off] : [r + off, c + off, r, c];
        out[i * to * to + dr * to + dc] = src[i * from * from + sr * from + sc];
      }
    }
  }
  return out;
}
