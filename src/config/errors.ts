/** A configuration problem found at boot. `problems` each name the key, the value and the form expected. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly where: string,
    readonly problems: readonly string[],
  ) {
    super(`${where} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
