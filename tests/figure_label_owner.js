// Which edge labels sit nearer another edge's line than their own (tests/figure_metrics.py).
// Each label text's box is compared with every edge path sampled every 1 px (getPointAtLength,
// screen coordinates via getScreenCTM).
() => {
  const edges = [...document.querySelectorAll('g.edge')];
  const paths = edges.map(g => [...g.querySelectorAll('path')]);
  const out = [];
  edges.forEach((g, gi) => {
    g.querySelectorAll('text').forEach(t => {
      if (!t.textContent.trim()) return;
      const r = t.getBoundingClientRect();
      const cx = (r.left + r.right) / 2, cy = (r.top + r.bottom) / 2;
      const dist = ps => { let best = Infinity; ps.forEach(p => {
        const L = p.getTotalLength(), m = p.getScreenCTM();
        for (let s = 0; s <= L; s += 1) { const q = p.getPointAtLength(s);
          const x = m.a * q.x + m.c * q.y + m.e, y = m.b * q.x + m.d * q.y + m.f;
          const dx = Math.max(r.left - x, 0, x - r.right), dy = Math.max(r.top - y, 0, y - r.bottom);
          best = Math.min(best, Math.hypot(dx, dy)); } }); return best; };
      const own = dist(paths[gi]);
      let other = Infinity, who = null;
      paths.forEach((ps, j) => { if (j !== gi) { const d = dist(ps); if (d < other) { other = d; who = edges[j].id; } } });
      if (other < own) out.push([g.id, t.textContent, own.toFixed(1), who, other.toFixed(1)]);
    });
  });
  return out;
}
