export const SERVE_USAGE = `usage: rewardsmith serve --spec FILE|DIR [--host 127.0.0.1] [--port 8787] [--token T] [--store FILE]`;

export async function serveCommand(_argv: string[]): Promise<number> {
  process.stderr.write("rewardsmith serve: not built yet\n");
  return 2;
}
