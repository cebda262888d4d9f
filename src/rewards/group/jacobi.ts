/**
 * Eigenvalues of a small symmetric matrix by the cyclic Jacobi method: each rotation zeroes one
 * off-diagonal entry; sweeps repeat until the off-diagonal mass is negligible. Group sizes are
 * tens, so O(n³) per sweep is cheap and needs no numeric library.
 */
export function symmetricEigenvalues(matrix: readonly (readonly number[])[], maxSweeps = 100): number[] {
  const n = matrix.length;
  const a = matrix.map((row) => Float64Array.from(row));
  let scale = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scale += a[i]![j]! * a[i]![j]!;
  const tol = 1e-22 * Math.max(scale, 1e-300);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i]![j]! * a[i]![j]!;
    if (off <= tol) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const app = a[p]![p]!;
        const aqq = a[q]![q]!;
        // Rotation angle that annihilates a[p][q] (Numerical Recipes' stable form).
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i]![i]!).sort((x, y) => y - x);
}
