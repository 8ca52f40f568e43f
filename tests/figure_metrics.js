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
  // Points every `gap` user units along a Graphviz path (M/C cubic Béziers) or polygon;
  // other shapes through getPointAtLength.
  const samplePoints = (el, gap) => {
    const out = [];
    const seg = (a, b, c, d) => {
      const est = Math.hypot(b.x - a.x, b.y - a.y) + Math.hypot(c.x - b.x, c.y - b.y) +
                  Math.hypot(d.x - c.x, d.y - c.y);
      const n = Math.max(2, Math.ceil(est / gap));
      for (let k = 0; k <= n; k++) {
        const t = k / n, u = 1 - t;
        out.push({ x: u * u * u * a.x + 3 * u * u * t * b.x + 3 * u * t * t * c.x + t * t * t * d.x,
                   y: u * u * u * a.y + 3 * u * u * t * b.y + 3 * u * t * t * c.y + t * t * t * d.y });
      }
    };
    const tag = el.tagName.toLowerCase();
    if (tag === "path") {
      const d = el.getAttribute("d");
      if (/^[MC0-9.,\s\-e]+$/.test(d)) {
        const nums = d.replace(/[MC]/g, " ").trim().split(/[\s,]+/).map(Number);
        const P = [];
        for (let i = 0; i + 1 < nums.length; i += 2) P.push({ x: nums[i], y: nums[i + 1] });
        for (let i = 0; i + 3 < P.length; i += 3) seg(P[i], P[i + 1], P[i + 2], P[i + 3]);
        return out;
      }
    }
    if (tag === "polygon" || tag === "polyline") {
      const P = el.getAttribute("points").trim().split(/\s+/).map((xy) => {
        const [x, y] = xy.split(",").map(Number); return { x, y }; });
      for (let i = 0; i + 1 < P.length; i++) seg(P[i], P[i], P[i + 1], P[i + 1]);
      return out;
    }
    const len = el.getTotalLength();
    const n = Math.max(2, Math.ceil(len / gap));
    for (let k = 0; k <= n; k++) out.push(el.getPointAtLength(len * k / n));
    return out;
  };
  const collisions = [];
  const sampled = [];
  const step = opts.step || 1.0;   // screen px between samples
  for (const { g, s } of lines) {
    const m = s.getScreenCTM();
    const scale = Math.hypot(m.a, m.b) || 1;
    const pts = samplePoints(s, step / scale).map((q) => new DOMPoint(q.x, q.y).matrixTransform(m));
    sampled.push({ g, pts });
    const box = pts.reduce((b, p) => ({ l: Math.min(b.l, p.x), r: Math.max(b.r, p.x),
      t: Math.min(b.t, p.y), b: Math.max(b.b, p.y) }), { l: Infinity, r: -Infinity, t: Infinity, b: -Infinity });
    for (const t of texts) {
      if (t.r.right < box.l || t.r.left > box.r || t.r.bottom < box.t || t.r.top > box.b) continue;
      const hit = pts.find((p) => inside(p, t.r, opts.pad || 0));
      if (hit) {
        collisions.push({ line: ownerName(g), text: t.text, owner: ownerName(t.g),
                          x: Math.round(hit.x), y: Math.round(hit.y) });
      }
    }
  }
  // Edge points over a node's circle or ellipse (a neuron, an op), 2 px inside its border.
  const overShapes = [];
  const shapes = [...svg.querySelectorAll("g.node ellipse")].map((e) => {
    const r = e.getBoundingClientRect();
    return { g: e.closest("g.node"), cx: (r.left + r.right) / 2, cy: (r.top + r.bottom) / 2,
             rx: r.width / 2 - 2, ry: r.height / 2 - 2 };
  });
  for (const { g, pts } of sampled) {
    if (!g.matches("g.edge")) continue;
    for (const sh of shapes) {
      if (sh.rx <= 0 || sh.ry <= 0) continue;
      if (pts.some((p) => ((p.x - sh.cx) / sh.rx) ** 2 + ((p.y - sh.cy) / sh.ry) ** 2 < 1)) {
        overShapes.push({ line: ownerName(g), shape: ownerName(sh.g) });
      }
    }
  }
  // The legend's box against the whole figure.
  const legendEl = svg.querySelector("#legend");
  const whole = svg.getBoundingClientRect();
  const legend = legendEl ? (() => { const r = legendEl.getBoundingClientRect();
    return { width: r.width, height: r.height, area: r.width * r.height / (whole.width * whole.height) }; })() : null;
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
  return { collisions, close, overShapes, legend, width: whole.width, height: whole.height,
           texts: texts.length, lines: lines.length,
           smallest: sizes.length ? Math.min(...sizes) : null,
           smallestText: texts.length ? texts[sizes.indexOf(Math.min(...sizes))].text : null };
}
