package slapd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dirgate/dirgate/schema/openldap"
)

// Paths of the stock OpenLDAP installation (Debian's slapd package).
const (
	moduleDir = "/usr/lib/ldap"
	schemaDir = "/etc/ldap/schema"
)

// PolicyRDN is the RDN of the default password policy entry under the
// suffix, as schema/openldap/ppolicy-default.ldif ships it.
const PolicyRDN = "cn=passwordPolicy"

// replication describes this server's place in a multi-provider set.
type replication struct {
	serverID int
	peers    []string // URLs of the other providers
}

// writeSchemas copies dirgate's schema files (embedded from schema/openldap)
// into dir, so the config references exactly what administrators load.
func writeSchemas(dir string) error {
	for _, name := range []string{"dirgate.schema", "rfc2307bis.schema"} {
		b, err := openldap.File(name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// renderConfig writes slapd.conf for one server.
func renderConfig(o Options, dir, rootPW string, repl *replication) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	for _, s := range []string{"core", "cosine", "inetorgperson"} {
		p("include %s/%s.schema", schemaDir, s)
	}
	if o.Groups == PosixGroup {
		p("include %s/nis.schema", schemaDir)
	} else {
		p("include %s", filepath.Join(dir, "rfc2307bis.schema"))
	}
	p("include %s", filepath.Join(dir, "dirgate.schema"))

	p("modulepath %s", moduleDir)
	p("moduleload back_mdb")
	modules := []struct {
		f    Feature
		name []string
	}{
		{PasswordPolicy, []string{"ppolicy"}},
		{MemberOf, []string{"memberof", "refint"}},
		{UniqueUID, []string{"unique"}},
		{SortVLV, []string{"sssvlv"}},
		{Argon2, []string{"argon2"}},
	}
	for _, m := range modules {
		if o.has(m.f) && (m.f != MemberOf || o.Groups == GroupOfNames) {
			for _, n := range m.name {
				p("moduleload %s", n)
			}
		}
	}
	if repl != nil || o.has(SyncProv) {
		p("moduleload syncprov")
	}
	if repl != nil {
		p("serverID %d", repl.serverID)
	}
	if o.has(TLS) {
		p("TLSCACertificateFile %s", filepath.Join(dir, "ca.pem"))
		p("TLSCertificateFile %s", filepath.Join(dir, "cert.pem"))
		p("TLSCertificateKeyFile %s", filepath.Join(dir, "key.pem"))
	}
	p("pidfile %s", filepath.Join(dir, "slapd.pid"))
	p("argsfile %s", filepath.Join(dir, "slapd.args"))
	// Tests create thousands of entries quickly; the default threads are
	// plenty, but keep idle connections from piling up across restarts.
	p("idletimeout 0")
	if o.has(SortVals) {
		p("sortvals member memberUid")
	}

	p("database mdb")
	p("maxsize 1073741824")
	p("suffix %q", o.Suffix)
	p("rootdn %q", rootDN(o.Suffix))
	p("rootpw %s", rootPW)
	p("directory %s", filepath.Join(dir, "data"))
	p("index objectClass eq")
	p("index uid,cn,mail,sn,givenName,displayName eq,sub")
	// homeDirectory: the core looks a derived home up before each create.
	p("index ou,uidNumber,gidNumber,entryUUID,dirgateExternalId,homeDirectory eq")
	if o.Groups == GroupOfNames {
		p("index member eq")
	}
	p("index memberUid eq")

	if repl != nil {
		for i, peer := range repl.peers {
			p(`syncrepl rid=%03d provider=%s bindmethod=simple binddn=%q credentials=%s searchbase=%q type=refreshAndPersist retry="1 +" timeout=1 network-timeout=1`,
				repl.serverID*10+i, peer, rootDN(o.Suffix), rootPW, o.Suffix)
		}
		p("multiprovider on")
	}
	if repl != nil || o.has(SyncProv) {
		p("overlay syncprov")
	}
	// Overlays run in reverse order of declaration: ppolicy, declared
	// last, sees a bind first.
	if o.has(SortVLV) {
		p("overlay sssvlv")
	}
	if o.has(UniqueUID) {
		p("overlay unique")
		p("unique_uri ldap:///%s?uid?sub", o.Suffix)
	}
	if o.has(MemberOf) && o.Groups == GroupOfNames {
		p("overlay memberof")
		p("overlay refint")
		p("refint_attributes member")
	}
	if o.has(PasswordPolicy) {
		p("overlay ppolicy")
		p("ppolicy_default %q", PolicyRDN+","+o.Suffix)
		p("ppolicy_hash_cleartext")
		p("ppolicy_use_lockout")
	}

	// Users may change their own password and authenticate; everyone
	// bound reads the rest. The rootdn (dirgate's service account here)
	// bypasses ACLs.
	p("access to attrs=userPassword by self write by anonymous auth by * none")
	p("access to * by self read by users read by anonymous auth")
	return b.String()
}

// rootDN is the service account of a test server.
func rootDN(suffix string) string { return "cn=admin," + suffix }

// baseLDIF renders the suffix entry and, with ppolicy, the default policy.
func baseLDIF(o Options) string {
	attr, value, _ := strings.Cut(strings.SplitN(o.Suffix, ",", 2)[0], "=")
	attr = strings.ToLower(strings.TrimSpace(attr))
	var b strings.Builder
	fmt.Fprintf(&b, "dn: %s\nobjectClass: top\n", o.Suffix)
	switch attr {
	case "dc":
		fmt.Fprintf(&b, "objectClass: dcObject\nobjectClass: organization\ndc: %s\no: %s\n", value, value)
	case "o":
		fmt.Fprintf(&b, "objectClass: organization\no: %s\n", value)
	default:
		fmt.Fprintf(&b, "objectClass: organizationalUnit\nou: %s\n", value)
	}
	if o.has(PasswordPolicy) {
		fmt.Fprintf(&b, `
dn: %s,%s
objectClass: top
objectClass: applicationProcess
objectClass: pwdPolicy
cn: passwordPolicy
pwdAttribute: userPassword
pwdMaxFailure: %d
pwdLockout: TRUE
pwdLockoutDuration: %d
pwdFailureCountInterval: 0
pwdAllowUserChange: TRUE
pwdMustChange: FALSE
pwdSafeModify: FALSE
pwdCheckQuality: 0
`, PolicyRDN, o.Suffix, o.Lockout, int(o.LockoutDuration.Seconds()))
	}
	return b.String()
}
