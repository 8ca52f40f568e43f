// Measures what a person sees in one Graphviz SVG placed inline in the page:
// every text box (getBoundingClientRect), every edge path, arrowhead and cluster border
// sampled with getPointAtLength, in screen pixels. Returns collisions and label gaps.
// Called by tests/figure_metrics.py as page.evaluate(source, options).
(opts) => {
  const svg = document.querySelector("svg");
  const owner = (el) => el.closest("g.node, g.edge, g.cluster") || svg;
  const ownerName = (g) => {
    if (g === svg) return "graph";
    const t = g.querySelector(":scope > title");
    return `${g.getAttribute("class")} ${t ? t.textContent : g.id}`;
  };
  const texts = [];
  for (const t of svg.querySelectorAll("text")) {
    if (!t.textContent.trim()) continue;
    const r = t.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const size = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
    texts.push({ el: t, g: owner(t), r, size, text: t.textContent });
  }
  const inside = (p, r, pad) => p.x > r.left + pad && p.x < r.right - pad &&
                                p.y > r.top + pad && p.y < r.bottom - pad;
  // Lines: edge paths and arrowheads, and cluster borders.
  const lines = [];
  for (const g of svg.querySelectorAll("g.edge, g.cluster")) {
    for (const s of g.querySelectorAll("path, polygon, polyline, ellipse")) {
      if (s.getAttribute("stroke") === "transparent" || s.getAttribute("stroke") === "none")
        continue;
      if (s.closest("a") && s.closest("a").querySelector("text") === s) continue;
      lines.push({ g, s });
    }
  }
  const collisions = [];
  const step = opts.step || 1.0;   // screen px between samples
  for (const { g, s } of lines) {
    const len = s.getTotalLength();
    const m = s.getScreenCTM();
    const scale = Math.hypot(m.a, m.b) || 1;
    const n = Math.max(2, Math.ceil(len * scale / step));
    const pts = [];
    for (let k = 0; k <= n; k++) {
      const q = s.getPointAtLength(len * k / n);
      pts.push(new DOMPoint(q.x, q.y).matrixTransform(m));
    }
    for (const t of texts) {
      const hit = pts.find((p) => inside(p, t.r, opts.pad || 0));
      if (hit) {
        collisions.push({ line: ownerName(g), text: t.text, owner: ownerName(t.g),
                          x: Math.round(hit.x), y: Math.round(hit.y) });
      }
    }
  }
  // Gaps between labels of different owners (rectangle distance, 0 when overlapping).
  const close = [];
  const gap = (a, b) => Math.hypot(Math.max(0, a.left - b.right, b.left - a.right),
                                   Math.max(0, a.top - b.bottom, b.top - a.bottom));
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i], b = texts[j];
      if (a.g === b.g) continue;
      const d = gap(a.r, b.r);
      if (d < (opts.minGap || 2)) {
        close.push({ a: a.text, b: b.text, aOwner: ownerName(a.g), bOwner: ownerName(b.g),
                     gap: Math.round(d * 10) / 10 });
      }
    }
  }
  const sizes = texts.map((t) => t.size);
  return { collisions, close, texts: texts.length, lines: lines.length,
           smallest: sizes.length ? Math.min(...sizes) : null,
           smallestText: texts.length ? texts[sizes.indexOf(Math.min(...sizes))].text : null };
}
