package alerting

import "github.com/cxpulse/cxpulse/alerting/notify"

// inhibited reports whether a firing alert matching an inhibit rule's source mutes target: the
// source matches Source, the target Target, both agree on the Equal labels, and they are not the
// same alert.
func inhibited(rules []*InhibitRule, target *notify.Alert, alerts map[string]*dAlert) bool {
	tl := Labels(target.Labels)
	for _, r := range rules {
		if !r.Target.Matches(tl) {
			continue
		}
		for fp, src := range alerts {
			if fp == target.Fingerprint || src.a.Resolved() {
				continue
			}
			sl := Labels(src.a.Labels)
			if !r.Source.Matches(sl) {
				continue
			}
			same := true
			for _, e := range r.Equal {
				if sl[e] != tl[e] {
					same = false
					break
				}
			}
			if same {
				return true
			}
		}
	}
	return false
}
