// The error a command throws when its arguments are wrong (as opposed to its input being bad).
// cli.ts prints it with a pointer to --help and exits with status 2, like most Unix tools.
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly code = "USAGE";
}
