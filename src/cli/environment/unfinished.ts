/**
 * The two ways out of an environment whose bootstrap did not finish, worded once so that
 * every command (bootstrap, add-machine, status, environments) tells the same story.
 */
export function unfinishedWaysOut(name: string): string {
  return `"envboot bootstrap ${name} --resume" goes on from where it stopped; "envboot destroy ${name}" removes what it made`;
}

/** The sentence a command that cannot go on prints for an unfinished environment. */
export function unfinishedMessage(name: string, how = 'did not finish'): string {
  return `the bootstrap of environment "${name}" ${how}: ${unfinishedWaysOut(name)}`;
}

/** The ways out of machines an add-machine left pending. */
export function pendingWaysOut(name: string): string {
  return `"envboot add-machine ${name} --resume" goes on with them; "envboot remove-machine ${name} ID" removes one`;
}
