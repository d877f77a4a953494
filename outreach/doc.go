// Package outreach turns customers' health into a short, prioritised list of people to contact:
// per-customer health from a ClickHouse rollup (sentiment across channels, recent complaints,
// trend, unresolved contacts, topics, plan labels), policies written in the rule files'
// `outreach:` sections, a task queue with cooldowns and daily caps per team, incident holds
// (while an alert covering a customer's complaints fires, one note goes to the team instead of
// a task per customer), delivery to Slack and webhooks, and the measured outcome of each contact.
//
// The package imports no other cxpulse package: the store and the alert state reach
// it through the Store interface and the AlertsFunc seam (internal/outreachwire builds both).
package outreach
