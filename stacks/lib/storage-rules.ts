/** Checks of file system and database settings, shared by the settings and the EFS and Aurora constructs. */

/** Days after the last access before a file moves to Infrequent Access; the values EFS accepts. */
export const EFS_TRANSITION_DAYS = [1, 7, 14, 30, 60, 90, 180, 270, 365] as const;

export type EfsTransitionDays = (typeof EFS_TRANSITION_DAYS)[number];

/** Why a transition period is not one EFS offers, or undefined. */
export function transitionDaysProblem(days: number | 'never'): string | undefined {
  return days === 'never' || (EFS_TRANSITION_DAYS as readonly number[]).includes(days)
    ? undefined
    : `transitionToIaDays ${days} is not a period EFS offers; use one of ${EFS_TRANSITION_DAYS.join(', ')} or 'never'`;
}

/** Whether `value` is a multiple of 0.5 within [low, high]. */
function isHalfStep(value: number, low: number, high: number): boolean {
  return Number.isFinite(value) && value >= low && value <= high && Number.isInteger(value * 2);
}

/** The options of a cluster that a configuration chooses per environment; see {@link auroraSettingProblems}. */
export interface AuroraSettingOptions {
  readonly databaseName: string;
  readonly minCapacityAcu: number;
  readonly maxCapacityAcu: number;
  readonly backupRetentionDays: number;
}

/** Every reason these schema, capacity and backup options would be refused, each with its fix. */
export function auroraSettingProblems(o: AuroraSettingOptions): string[] {
  const problems: string[] = [];
  if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(o.databaseName)) {
    problems.push(`databaseName "${o.databaseName}" is not a MySQL schema name; use up to 64 letters, digits and underscores, starting with a letter`);
  }
  if (!isHalfStep(o.minCapacityAcu, 0, 256)) problems.push(`minCapacityAcu ${o.minCapacityAcu} is invalid; use 0 to 256 in steps of 0.5, e.g. 0.5`);
  if (!isHalfStep(o.maxCapacityAcu, 1, 256)) problems.push(`maxCapacityAcu ${o.maxCapacityAcu} is invalid; use 1 to 256 in steps of 0.5, e.g. 2`);
  if (o.maxCapacityAcu < o.minCapacityAcu) problems.push(`maxCapacityAcu ${o.maxCapacityAcu} is below minCapacityAcu ${o.minCapacityAcu}; raise maxCapacityAcu`);
  if (!Number.isInteger(o.backupRetentionDays) || o.backupRetentionDays < 1 || o.backupRetentionDays > 35) {
    problems.push(`backupRetentionDays ${o.backupRetentionDays} is out of range; Aurora keeps 1 to 35 days`);
  }
  return problems;
}
