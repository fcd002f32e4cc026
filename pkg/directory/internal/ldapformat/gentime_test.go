package ldapformat

import (
	"testing"
	"time"
)

func TestGeneralizedTime(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"20240131235959Z", time.Date(2024, 1, 31, 23, 59, 59, 0, time.UTC)},
		{"20240131235959.123456Z", time.Date(2024, 1, 31, 23, 59, 59, 123456000, time.UTC)},
		{"20240131235959,5Z", time.Date(2024, 1, 31, 23, 59, 59, 500000000, time.UTC)},
		{"202401312359Z", time.Date(2024, 1, 31, 23, 59, 0, 0, time.UTC)},
		{"2024013123Z", time.Date(2024, 1, 31, 23, 0, 0, 0, time.UTC)},
		{"20240131235959+0200", time.Date(2024, 1, 31, 21, 59, 59, 0, time.UTC)},
		{"000001010000Z", time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		got, err := ParseTime(c.in)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "2024", "20240131235959", "2024013123.5Z", "20241331235959Z", "20240131235959.Z"} {
		if _, err := ParseTime(bad); err == nil {
			t.Errorf("ParseTime(%q) accepted it", bad)
		}
	}
	now := time.Date(2025, 6, 1, 12, 30, 45, 123456000, time.UTC)
	if s := FormatTime(now); s != "20250601123045.123456Z" {
		t.Errorf("FormatTime = %q", s)
	}
	if back, _ := ParseTime(FormatTime(now)); !back.Equal(now) {
		t.Errorf("a formatted time reads back as %v", back)
	}
	if s := FormatTime(now.Truncate(time.Second)); s != "20250601123045Z" {
		t.Errorf("FormatTime of whole seconds = %q", s)
	}
}
