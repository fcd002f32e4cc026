package config

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dirgate/dirgate/internal/throttle"
	"github.com/dirgate/dirgate/pkg/directory"
)

// Validate checks the whole configuration against the dialects and
// backends of the registry and returns every problem at once (errors.Join
// of *Problem), each naming its key path. Blocks that failed to decode
// (Config nil under a known type) were reported by Load and are skipped
// here.
func (c *Config) Validate(reg Registry) error {
	var ps problems
	checkHostPort(&ps, "listen", c.Listen)
	if c.DataDir == "" {
		ps.addf("dataDir", "required")
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		ps.addf("log.level", fmt.Sprintf("%q is not one of debug, info, warn, error", c.Log.Level))
	}
	if c.Log.Format != "json" && c.Log.Format != "text" {
		ps.addf("log.format", fmt.Sprintf("%q is not one of json, text", c.Log.Format))
	}
	c.Server.validate(&ps)
	if c.PasswordHashing.Concurrency < 0 {
		ps.addf("passwordHashing.concurrency", "must not be negative (0 means one per core)")
	}
	if c.PasswordHashing.Queue < 0 {
		ps.addf("passwordHashing.queue", "must not be negative (0 means four per concurrent one, at least 16)")
	}
	c.validateDomains(reg, &ps)
	c.validateThrottleBelowLockout(&ps)
	c.validateDialects(reg, &ps)
	c.validateSecrets(&ps)
	c.validateGroupRights(&ps)
	c.validateConsole(&ps)
	return ps.err()
}

func (s Server) validate(ps *problems) {
	for _, t := range []struct {
		key string
		d   time.Duration
	}{
		{"server.readTimeout", s.ReadTimeout}, {"server.readHeaderTimeout", s.ReadHeaderTimeout},
		{"server.writeTimeout", s.WriteTimeout}, {"server.idleTimeout", s.IdleTimeout},
	} {
		switch {
		case t.d < 0:
			ps.addf(t.key, "must not be negative (0 means no timeout)")
		case t.d > 0 && t.d < time.Second:
			// Valid Go, useless server: every request would be cut off
			// before it is read or answered (an empty reply).
			ps.addf(t.key, fmt.Sprintf("%s is under a second: requests would be cut off with an empty reply; "+
				"write e.g. 30s (0 means no timeout)", t.d))
		}
	}
	if s.BodyLimit <= 0 {
		ps.addf("server.bodyLimit", "must be a positive number of bytes")
	}
	if s.ShutdownGrace <= 0 {
		ps.addf("server.shutdownGrace", "must be positive, e.g. 4s")
	}
	for i, p := range s.TrustedProxies {
		if _, err := ParsePrefix(p); err != nil {
			ps.addf(fmt.Sprintf("server.trustedProxies[%d]", i), fmt.Sprintf("%q is not a CIDR (10.0.0.0/8) or an address", p))
		}
	}
	if !slices.Contains([]string{"X-Forwarded-For", "Forwarded", "X-Real-IP"}, s.ClientAddressHeader) {
		ps.addf("server.clientAddressHeader", fmt.Sprintf("%q is not one of X-Forwarded-For, Forwarded, X-Real-IP", s.ClientAddressHeader))
	}
	for _, l := range []struct {
		key   string
		limit throttle.Limit
	}{
		{"server.throttle.perAddress", s.Throttle.PerAddress},
		{"server.throttle.perAccountAddress", s.Throttle.PerAccountAddress},
	} {
		if l.limit.Failures < 0 {
			ps.addf(l.key+".failures", "must not be negative (0 turns the limit off)")
		}
		if l.limit.Failures > 0 && l.limit.Refill <= 0 {
			ps.addf(l.key+".refill", "must be positive, e.g. 15m")
		}
	}
	if s.Throttle.MaxTracked < 100 {
		ps.addf("server.throttle.maxTracked", "must be at least 100")
	}
}

// ParsePrefix reads a trusted proxy: a CIDR, or one address (a /32 or
// /128).
func ParsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(strings.TrimSpace(s))
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// validateThrottleBelowLockout: a client may fail on one account only
// fewer times than it takes to lock the account, or it could lock the
// account for its owner. Only a store that locks accounts itself (the
// embedded one) tells its threshold here; an LDAP server's (ppolicy
// pwdMaxFailure, AD's lockout threshold) is the operator's to compare
// (docs/security.md).
// lockingStore is a backend config whose store locks an account after
// LockoutAfter wrong passwords in a row (0: never).
type lockingStore interface{ LockoutAfter() int }

func (c *Config) validateThrottleBelowLockout(ps *problems) {
	budget := c.Server.Throttle.PerAccountAddress.Failures
	for i, d := range c.Domains {
		l, ok := d.Backend.Config.(lockingStore)
		if !ok || l.LockoutAfter() == 0 {
			continue
		}
		if threshold := l.LockoutAfter(); budget == 0 || budget >= threshold {
			ps.addf("server.throttle.perAccountAddress.failures", fmt.Sprintf(
				"must be between 1 and %d, below domains[%d]'s lockoutThreshold (%d), or one client can lock an account for everyone",
				threshold-1, i, threshold))
		}
	}
}

func (c *Config) validateDomains(reg Registry, ps *problems) {
	if len(c.Domains) == 0 {
		ps.addf("domains", "at least one domain is required")
	}
	seen := map[string]int{}
	for i, d := range c.Domains {
		path := fmt.Sprintf("domains[%d]", i)
		if j, dup := seen[strings.ToLower(d.Name)]; dup && d.Name != "" {
			ps.addf(join(path, "name"), fmt.Sprintf("%q is also the name of domains[%d]", d.Name, j))
		}
		seen[strings.ToLower(d.Name)] = i
		d.validate(reg, ps, path)
	}
}

func (d Domain) validate(reg Registry, ps *problems, path string) {
	switch {
	case d.Name == "":
		ps.addf(join(path, "name"), "required")
	case strings.ContainsAny(d.Name, " \t/\\,=") || strings.HasPrefix(d.Name, ".") || strings.HasSuffix(d.Name, "."):
		ps.addf(join(path, "name"), fmt.Sprintf("%q is not a domain name like example.com", d.Name))
	}
	base := d.BaseDN
	if base == "" {
		ps.addf(join(path, "baseDN"), "required (it defaults to the dc= components of the name)")
	} else if _, err := directory.ParseDN(base); err != nil {
		ps.addf(join(path, "baseDN"), fmt.Sprintf("%q is not a valid DN", base))
		base = ""
	}
	for key, dn := range map[string]string{"usersDN": d.UsersDN, "groupsDN": d.GroupsDN} {
		if dn == "" {
			continue
		}
		if _, err := directory.ParseDN(dn); err != nil {
			ps.addf(join(path, key), fmt.Sprintf("%q is not a valid DN", dn))
		} else if base != "" && !directory.IsUnder(dn, base) {
			ps.addf(join(path, key), fmt.Sprintf("%s is not under the base %s", dn, base))
		}
	}
	checkRange(ps, join(path, "uidRange"), d.UIDRange)
	checkRange(ps, join(path, "gidRange"), d.GIDRange)
	if d.DefaultGIDNumber < 0 {
		ps.addf(join(path, "defaultGIDNumber"), "must not be negative")
	}
	if d.DefaultGroup == "" || strings.TrimSpace(d.DefaultGroup) != d.DefaultGroup || strings.ContainsAny(d.DefaultGroup, "\x00\n\r") {
		ps.addf(join(path, "defaultGroup"), fmt.Sprintf("%q is not a group name", d.DefaultGroup))
	}
	p := d.PasswordPolicy
	pp := join(path, "passwordPolicy")
	if p.MinLength < 0 {
		ps.addf(join(pp, "minLength"), "must not be negative")
	}
	if p.MaxLength < 0 || (p.MaxLength > 0 && p.MaxLength < p.MinLength) {
		ps.addf(join(pp, "maxLength"), "must be 0 (no limit) or at least minLength")
	}
	if p.MinClasses < 0 || p.MinClasses > 4 {
		ps.addf(join(pp, "minClasses"), "must be between 0 and 4")
	}
	if d.Names.MaxLength < 0 {
		ps.addf(join(path, "names.maxLength"), "must not be negative")
	}
	d.Backend.validate(reg, ps, join(path, "backend"))
}

func checkRange(ps *problems, path string, r directory.Range) {
	if r.Min < 1 || r.Max < r.Min {
		ps.addf(path, fmt.Sprintf("min (%d) must be at least 1 and at most max (%d)", r.Min, r.Max))
	}
}

func (b Backend) validate(reg Registry, ps *problems, path string) {
	if b.Type == "" {
		ps.addf(join(path, "type"), "required: one of "+known(reg.BackendTypes()))
		return
	}
	if _, ok := reg.Backends[b.Type]; !ok {
		ps.addf(join(path, "type"), fmt.Sprintf("unknown backend %q: known are %s", b.Type, known(reg.BackendTypes())))
		return
	}
	if b.Config != nil {
		ps.addBlock(join(path, "config"), b.Config.Validate(), b.Config)
	}
}

func (c *Config) validateDialects(reg Registry, ps *problems) {
	modes := map[string]FileMode{}
	for _, name := range sortedKeys(c.Dialects) {
		d := c.Dialects[name]
		path := "dialects." + name
		if _, ok := reg.Dialects[name]; !ok {
			ps.addf(path, fmt.Sprintf("unknown dialect: known are %s", known(reg.DialectNames())))
			continue
		}
		if d.Prefix != "" && (!strings.HasPrefix(d.Prefix, "/") || strings.HasSuffix(d.Prefix, "/") ||
			strings.ContainsAny(d.Prefix, "*:?# ")) {
			ps.addf(join(path, "prefix"), fmt.Sprintf("%q must be a path like /restapi: a leading slash, no trailing slash, no * : ? #", d.Prefix))
		}
		for i, l := range d.Listeners {
			lp := fmt.Sprintf("%s.listeners[%d]", path, i)
			switch {
			case l.TCP != "" && l.Unix != "":
				ps.addf(lp, "give either tcp or unix, not both")
			case l.TCP != "":
				checkHostPort(ps, join(lp, "tcp"), l.TCP)
				if l.Mode != 0 {
					ps.addf(join(lp, "mode"), "applies to unix sockets only")
				}
			case l.Unix != "":
				if m, ok := modes[l.Unix]; ok && m != l.Mode {
					ps.addf(join(lp, "mode"), fmt.Sprintf("%s is configured elsewhere with mode %s", l.Unix, m))
				}
				modes[l.Unix] = l.Mode
				if len(l.Unix) > MaxSocketPath {
					ps.add(join(lp, "unix"), SocketPathTooLong(len(l.Unix)))
				}
				if l.Mode&0o600 != 0o600 {
					ps.addf(join(lp, "mode"), fmt.Sprintf("%s lets not even the owner connect: give at least 0600", l.Mode))
				}
			default:
				ps.addf(lp, "give tcp: host:port or unix: /path")
			}
		}
		if d.Enabled && d.Config != nil {
			ps.addBlock(join(path, "config"), d.Config.Validate(), d.Config)
		}
	}
}

func checkHostPort(ps *problems, path, addr string) {
	if addr == "" {
		ps.addf(path, "required: host:port")
		return
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		ps.addf(path, fmt.Sprintf("%q is not host:port", addr))
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		ps.addf(path, fmt.Sprintf("%q has no valid port", addr))
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func known(names []string) string {
	if len(names) == 0 {
		return "none (this dirgate was built without any)"
	}
	return strings.Join(names, ", ")
}
