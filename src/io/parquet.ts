/**
 * Parquet rows for `score`: verl, TRL and most data pipelines keep rollouts and prompts in
 * Parquet (verl's `reward_model.ground_truth` is a struct field). Reading goes row group by row
 * group, in slices, so memory stays bounded; writing buffers rows into row groups.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type FileMetaData } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { fileWriter, ParquetWriter, schemaFromColumnData } from "hyparquet-writer";

/** Rows decoded per read: bounds memory inside a large row group (pyarrow writes up to 1M rows in one). */
const SLICE_ROWS = 20_000;

/** One row, or — when its slice of the file cannot be decoded (a corrupt page) — why not. */
export type ParquetRow = { row: Record<string, unknown>; index: number; error?: undefined } | { row?: undefined; index: number; error: string };
export type ParquetInput = { rows: number; read(skip: number): AsyncGenerator<ParquetRow> };

/** Opens a Parquet file: its row count now, its rows (as plain JSON-able objects) on demand. */
export async function openParquet(path: string): Promise<ParquetInput> {
  const file = await asyncBufferFromFile(path);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new Error(`not a readable Parquet file (${(err as Error).message})`);
  }
  const rows = Number(metadata.num_rows);
  return {
    rows,
    async *read(skip: number) {
      for (let start = skip; start < rows; start += SLICE_ROWS) {
        const end = Math.min(rows, start + SLICE_ROWS);
        let chunk: Record<string, unknown>[];
        try {
          chunk = (await parquetReadObjects({ file, metadata, compressors, rowStart: start, rowEnd: end })) as Record<string, unknown>[];
        } catch (err) {
          // A corrupt page loses its own slice of rows (each reported), not the rest of the file.
          const why = `cannot decode this part of the Parquet file (rows ${start + 1}-${end}): ${(err as Error).message}`;
          for (let i = start; i < end; i++) yield { index: i, error: why };
          continue;
        }
        for (let k = 0; k < chunk.length; k++) yield { row: plain(chunk[k]) as Record<string, unknown>, index: start + k };
      }
    },
  };
}

/** Parquet values as JSON values: INT64 as a number when exact (else a string), dates as ISO text, bytes as base64. */
export function plain(v: unknown): unknown {
  if (typeof v === "bigint") return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v === null || typeof v !== "object") return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (Array.isArray(v)) return v.map(plain);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    // A column or struct field named "__proto__" stays a field (assignment would set the prototype).
    if (k === "__proto__") Object.defineProperty(out, k, { value: plain(x), enumerable: true, writable: true, configurable: true });
    else out[k] = plain(x);
  }
  return out;
}

type Row = Record<string, unknown> & { components?: Record<string, { score?: number | null; status?: string }> };

/**
 * Score output as Parquet: id, score, status, reason, gate, group, `<reward>_score` and
 * `<reward>_status` per reward (for dataframes), and the full components (and dense output and
 * input, when present) as JSON columns.
 */
export class ParquetResultWriter {
  private buffer: Row[] = [];
  private writer?: ParquetWriter;
  private schema?: ReturnType<typeof schemaFromColumnData>;

  constructor(
    private readonly path: string,
    private readonly rewardNames: readonly string[],
    private readonly rowGroupRows = 10_000,
  ) {}

  add(rows: readonly Row[]): void {
    for (const r of rows) this.buffer.push(r);
    if (this.buffer.length >= this.rowGroupRows) this.flush();
  }

  private columns(rows: Row[]) {
    const str = (f: (r: Row) => unknown) => rows.map((r) => {
      const v = f(r);
      return v === undefined || v === null ? null : String(v);
    });
    const json = (f: (r: Row) => unknown) => rows.map((r) => {
      const v = f(r);
      return v === undefined ? null : JSON.stringify(v);
    });
    const cols = [
      { name: "id", data: str((r) => r.id), type: "STRING" as const, nullable: false },
      { name: "score", data: rows.map((r) => (typeof r.score === "number" ? r.score : null)), type: "DOUBLE" as const },
      { name: "status", data: str((r) => r.status), type: "STRING" as const, nullable: false },
      { name: "reason", data: str((r) => r.reason), type: "STRING" as const },
      { name: "gate", data: str((r) => r.gate), type: "STRING" as const },
      { name: "group", data: str((r) => r.group), type: "STRING" as const },
    ];
    for (const n of this.rewardNames) {
      cols.push({ name: `${n}_score`, data: rows.map((r) => r.components?.[n]?.score ?? null) as never, type: "DOUBLE" as const });
      cols.push({ name: `${n}_status`, data: str((r) => r.components?.[n]?.status), type: "STRING" as const });
    }
    cols.push({ name: "components", data: json((r) => r.components), type: "JSON" as never });
    cols.push({ name: "dense", data: json((r) => r.dense), type: "JSON" as never });
    cols.push({ name: "input", data: json((r) => r.input), type: "JSON" as never });
    return cols;
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    const columnData = this.columns(this.buffer);
    this.buffer = [];
    if (!this.writer) {
      this.schema = schemaFromColumnData({ columnData });
      this.writer = new ParquetWriter({ writer: fileWriter(this.path), schema: this.schema });
    }
    this.writer.write({ columnData, rowGroupSize: columnData[0]!.data.length });
  }

  /** Writes what is buffered and the footer; an empty run still gives a valid (empty) file. */
  close(): void {
    if (!this.writer) {
      const columnData = this.columns([]);
      this.schema = schemaFromColumnData({ columnData });
      this.writer = new ParquetWriter({ writer: fileWriter(this.path), schema: this.schema });
    }
    this.flush();
    this.writer.finish();
  }
}
