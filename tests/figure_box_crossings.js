// Edge lines that run through a cluster box (a neuron's dashed box) although neither end of
// the edge is inside that box: [edge id, the box's title, how many px of the line are inside].
// The figure is inline in the page at its natural size; lines are sampled every pixel.
() => {
  const svg = document.querySelector("svg");
  const inset = 2;
  const boxes = [...svg.querySelectorAll("g.cluster")].map((g) => {
    const r = g.querySelector("path, polygon").getBoundingClientRect();
    return {name: g.querySelector("title").textContent, l: r.left + inset, r: r.right - inset,
            t: r.top + inset, b: r.bottom - inset};
  });
  const pt = (path, s) => {
    const p = path.getPointAtLength(s).matrixTransform(path.getScreenCTM());
    return [p.x, p.y];
  };
  const inside = (b, [x, y]) => x > b.l && x < b.r && y > b.t && y < b.b;
  const out = [];
  for (const g of svg.querySelectorAll("g.edge")) {
    const path = g.querySelector("path");
    if (!path) continue;
    const len = path.getTotalLength();
    const ends = [pt(path, 0), pt(path, len)];
    for (const b of boxes) {
      if (ends.some((e) => inside(b, e))) continue;
      let n = 0;
      for (let s = 0; s <= len; s += 1) if (inside(b, pt(path, s))) n += 1;
      if (n > 0) out.push([g.id, b.name, n]);
    }
  }
  return out;
}
