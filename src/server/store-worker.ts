/**
 * The run-store writer thread: owns the SQLite connection so inserts (four rows per sample with
 * three rewards) never run on the event loop that answers requests. Messages arrive in order
 * from recorder.ts: record (rows as JSON text), finish (a run's status counts), close.
 */
import { parentPort, workerData } from "node:worker_threads";
import { RunStore } from "../store/run-store.ts";
import { expandRow, type CompactRow, type StoreMessage, type StoreReply } from "./recorder.ts";

const port = parentPort!;
const post = (m: StoreReply) => port.postMessage(m);

let store: RunStore;
try {
  store = new RunStore((workerData as { path: string }).path);
  post({ op: "ready" });
} catch (err) {
  post({ op: "fatal", message: (err as Error).message });
  process.exit(1);
}

const runs = new Map<string, { id: number; seq: number }>();

port.on("message", (m: StoreMessage) => {
  try {
    if (m.op === "record") {
      let r = runs.get(m.key);
      if (!r) {
        r = { id: store.startRun(m.start), seq: 0 };
        runs.set(m.key, r);
      }
      const rows = (JSON.parse(m.rows) as CompactRow[]).map(expandRow);
      const groups = JSON.parse(m.groups) as (string | null)[];
      store.recordResults(r.id, r.seq, rows, groups.map((g) => g ?? undefined), false);
      r.seq += rows.length;
    } else if (m.op === "finish") {
      const r = runs.get(m.key);
      if (r) {
        runs.delete(m.key);
        store.finishRun(r.id, m.counts, { ...m.summary, rows: r.seq });
      }
    } else if (m.op === "close") {
      store.close();
      post({ op: "closed" });
      port.close();
    }
  } catch (err) {
    post({ op: "error", message: (err as Error).message });
  }
});
