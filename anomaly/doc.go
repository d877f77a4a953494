// Package anomaly detects anomalies in time series as they stream in: one small detector per
// series, fed one point at a time, that learns the series' normal shape (its level, daily and
// weekly profiles, the spread of its deviations) and scores each new point by how surprising it is
// given only what came before.
//
// The score of a point is −log10 of the probability of something at least as unusual under the
// series' own history, divided by MaxSurprisal and capped at 1, so one threshold means the same
// on every series: nominally 0.3 is a one-in-a-thousand event and 0.5 one in 100,000 (measured
// false-alarm rates are in TestFalseAlarmRates). A detector combines
//
//   - a residual test: the deviation from the best of three predictors (the local level, a daily
//     profile by ten-minute slot, a weekly correction by hour) in units of the typical deviation
//     at that time of day; a point is judged against the largest deviations seen lately, a
//     smoothed run of points (level shifts, drifts) also against a peaks-over-threshold fit of
//     the run's own history; deviations below Params.ZFloor never count;
//   - a new-extreme test: a value beyond the range seen so far;
//   - a rest period: after an alarm, repeats are damped unless the anomaly escalates, so one
//     incident raises one alarm.
//
// Nothing is known in advance (no range, no length); gaps and irregular spacing age the state by
// the number of missing intervals; a flat or quantised series has a floor under its spread, so a
// spread of zero cannot make the score explode. Update is O(1) and does not allocate; the state
// is a fixed-size block that MarshalBinary saves and UnmarshalBinary restores, and feeding a
// series' history through Update rebuilds it exactly.
//
// The package also reads and writes series as CSV (CSVReader, ScoreCSV) and writes results in the
// layout of the Numenta Anomaly Benchmark (RunNAB).
package anomaly
