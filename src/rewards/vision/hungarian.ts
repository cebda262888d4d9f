/**
 * Minimum-cost assignment (Hungarian / Kuhn–Munkres with potentials), O(n²·m) for n ≤ m.
 *
 * `cost` is row-major, `rows × cols`. Returns, for each row, the column assigned to it, or -1
 * when there are more rows than columns and the row stays unassigned. Every row of the smaller
 * side is assigned, as scipy's `linear_sum_assignment` does for rectangular matrices.
 * Costs must be finite.
 */
export function minCostAssignment(cost: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const rowToCol = new Int32Array(rows).fill(-1);
  if (rows === 0 || cols === 0) return rowToCol;
  if (rows > cols) {
    // Solve the transpose so the algorithm's "each row gets a column" holds, then invert.
    const t = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = cost[i * cols + j]!;
    const colToRow = minCostAssignment(t, cols, rows);
    for (let j = 0; j < cols; j++) rowToCol[colToRow[j]!] = j;
    return rowToCol;
  }
  const n = rows;
  const m = cols;
  // 1-based arrays; index 0 is a virtual column that holds the row being inserted.
  const u = new Float64Array(n + 1); // row potentials
  const v = new Float64Array(m + 1); // column potentials
  const owner = new Int32Array(m + 1); // owner[j] = row currently holding column j (0 = free)
  const via = new Int32Array(m + 1); // previous column on the shortest augmenting path
  const slack = new Float64Array(m + 1);
  const done = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    owner[0] = i;
    let j0 = 0;
    slack.fill(Infinity);
    done.fill(0);
    // Grow a shortest-path tree (reduced costs are ≥ 0) until it reaches a free column.
    do {
      done[j0] = 1;
      const i0 = owner[j0]!;
      const base = (i0 - 1) * m - 1;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (done[j]) continue;
        const reduced = cost[base + j]! - u[i0]! - v[j]!;
        if (reduced < slack[j]!) {
          slack[j] = reduced;
          via[j] = j0;
        }
        if (slack[j]! < delta) {
          delta = slack[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (done[j]) {
          u[owner[j]!]! += delta;
          v[j]! -= delta;
        } else {
          slack[j]! -= delta;
        }
      }
      j0 = j1;
    } while (owner[j0] !== 0);
    // Flip the path: every column on it passes to the row that reached it.
    do {
      const j1 = via[j0]!;
      owner[j0] = owner[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  for (let j = 1; j <= m; j++) if (owner[j]! > 0) rowToCol[owner[j]! - 1] = j - 1;
  return rowToCol;
}
