// Which edge labels sit nearer another edge's line than their own (tests/figure_metrics.py).
// An edge label is the text of an edge group, or of a label box on the edge's line (a node
// "e<k>_<i>" between the halves "e<k>_<i>_in" and "e<k>_<i>_out"; its own line is the two
// halves, and what a reader pairs with a line is the whole box, its outline). Each label
// text's box (or label box) is compared with every edge path sampled every 1 px
// (getPointAtLength, screen coordinates via getScreenCTM).
() => {
  const edges = [...document.querySelectorAll('g.edge')];
  const paths = edges.map(g => [...g.querySelectorAll('path')]);
  const half = /^(e\d+_\d+)_(in|out)$/;
  const labels = edges.map((g, gi) => ({ g, id: g.id, own: [gi] }));
  document.querySelectorAll('g.node').forEach(g => {
    if (!/^e\d+_\d+$/.test(g.id)) return;
    const own = [];
    edges.forEach((e, j) => { const m = half.exec(e.id); if (m && m[1] === g.id) own.push(j); });
    const outline = g.querySelector('path, polygon');
    if (own.length && outline) labels.push({ g, id: g.id, own, outline });
  });
  const out = [];
  labels.forEach(({ g, id, own, outline }) => {
    const items = outline ? [[outline, [...g.querySelectorAll('text')].map(t => t.textContent).join(' / ')]]
      : [...g.querySelectorAll('text')].map(t => [t, t.textContent]);
    items.forEach(([el, text]) => {
      if (!text.trim()) return;
      const r = el.getBoundingClientRect();
      const dist = ps => { let best = Infinity; ps.forEach(p => {
        const L = p.getTotalLength(), m = p.getScreenCTM();
        for (let s = 0; s <= L; s += 1) { const q = p.getPointAtLength(s);
          const x = m.a * q.x + m.c * q.y + m.e, y = m.b * q.x + m.d * q.y + m.f;
          const dx = Math.max(r.left - x, 0, x - r.right), dy = Math.max(r.top - y, 0, y - r.bottom);
          best = Math.min(best, Math.hypot(dx, dy)); } }); return best; };
      const mine = Math.min(...own.map(j => dist(paths[j])));
      let other = Infinity, who = null;
      paths.forEach((ps, j) => { if (!own.includes(j)) { const d = dist(ps); if (d < other) { other = d; who = edges[j].id; } } });
      if (other < mine) out.push([id, text, mine.toFixed(1), who, other.toFixed(1)]);
    });
  });
  return out;
}
