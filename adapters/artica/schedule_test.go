package artica

import (
	"testing"
	"time"
)

func TestScheduleNext(t *testing.T) {
	loc := time.FixedZone("test", 3600)
	now := time.Date(2026, 6, 17, 10, 0, 0, 0, loc)
	cases := []struct {
		interval time.Duration
		daily    string
		want     time.Time
	}{
		{6 * time.Hour, "", now.Add(6 * time.Hour)},
		{0, "03:30", time.Date(2026, 6, 18, 3, 30, 0, 0, loc)},
		{0, "23:05", time.Date(2026, 6, 17, 23, 5, 0, 0, loc)},
		{0, "10:00", time.Date(2026, 6, 18, 10, 0, 0, 0, loc)},
	}
	for _, tc := range cases {
		s := &scheduler{interval: tc.interval, daily: tc.daily}
		if got := s.nextAfter(now); !got.Equal(tc.want) {
			t.Errorf("interval %v daily %q: next = %v, want %v", tc.interval, tc.daily, got, tc.want)
		}
	}
	for _, bad := range []string{"3h", "24:00", "12:60", ""} {
		if _, err := parseDaily(bad); err == nil {
			t.Errorf("parseDaily(%q) accepted", bad)
		}
	}
}
