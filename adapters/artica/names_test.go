package artica

import "testing"

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"jdupont", "jean.dupont", "j-d_2", "example.com", "élodie"} {
		if err := checkName(ok); err != nil {
			t.Errorf("checkName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{
		"", "a*", "a(", "a)", `a\`, "a,b", "a=b", "a+b", "a<b", "a>b", "#a", "a;b", `a"b`,
		"a\x00b", "a b", "a\tb", "\xff", string(make([]byte, 200)),
	} {
		if err := checkName(bad); err == nil {
			t.Errorf("checkName(%q) accepted", bad)
		}
	}
}

func TestCheckBackupName(t *testing.T) {
	for _, ok := range []string{"Save-2026-06-17.gz", "manual.ldif", "Save-2026-06-17"} {
		if err := checkBackupName(ok); err != nil {
			t.Errorf("checkBackupName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{
		"", ".", "..", "../etc/passwd", "a/b", `a\b`, "/etc/passwd", ".last-backup.json",
		".Save-1.tmp", "a..b", "a\x00b", "a\nb",
	} {
		if err := checkBackupName(bad); err == nil {
			t.Errorf("checkBackupName(%q) accepted", bad)
		}
	}
}
