// Package alerting turns CX rules written in YAML into alerts and notifications.
//
// A rule file (see File) holds groups of rules, a routing tree, receivers and inhibition rules in
// Alertmanager's vocabulary. The Evaluator runs each group at its interval: one query per rule
// over the stored rollups through a QueryFunc, the rule's `when` expression (or its anomaly
// detector) on each group of events, and the pending → firing → resolved life cycle with `for`
// and `keep_firing_for`. The Dispatcher routes, groups, inhibits and silences alerts and hands
// notifications to the integrations of alerting/notify with retries and a per-receiver rate
// limit. Alert state, the notification log and silences are persisted through Store so a restart
// neither re-pages nor forgets. Time is always an argument: tests drive a fake clock.
package alerting
