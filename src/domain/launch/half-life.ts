export interface HalfLife {
  /** Hours from the launch until half of the post-launch total had accrued; null when the total is not positive. */
  hours: number | null;
  total: number;
}

/**
 * Attention half-life from hourly values starting at the launch (index 0 = the hour after t = 0).
 * The crossing is interpolated linearly inside the hour where the running total first reaches half,
 * so 10 units in hour 0 and nothing later gives 0.5 h. Running totals can fall (unlikes show up as
 * negative accrual); the first crossing counts.
 */
export function attentionHalfLife(hourly: readonly number[]): HalfLife {
  const total = hourly.reduce((sum, value) => sum + value, 0);
  if (!(total > 0)) return { hours: null, total };
  const half = total / 2;
  let running = 0;
  for (let hour = 0; hour < hourly.length; hour += 1) {
    const value = hourly[hour]!;
    if (running + value >= half && value > 0) return { hours: hour + (half - running) / value, total };
    running += value;
  }
  // Unreachable for a positive total (the last running total is the total), kept for the type checker.
  return { hours: hourly.length, total };
}
