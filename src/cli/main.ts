/** Entry point of the `kehoach` command: dispatches to one module per subcommand. */
export async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    default:
      process.stderr.write(`kehoach: unknown command ${command ?? '(none)'}\n`);
      return 2;
  }
}
