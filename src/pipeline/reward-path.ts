/**
 * A reward's start-up failure as a spec path: "schema_file: no such file: x" from reward `a`
 * becomes "rewards.a.schema_file: no such file: x"; a message naming no param becomes "rewards.a: ...".
 */
export function rewardPath(name: string, message: string): string {
  if (message.startsWith(`rewards.${name}`)) return message;
  return /^[a-z_][\w.\[\]]*: /.test(message) ? `rewards.${name}.${message}` : `rewards.${name}: ${message}`;
}
