package config

import (
	"fmt"
	"time"
)

// Console configures the web console (/console/), the API reference pages
// (/api/docs) and the HTML landing page's links to them (docs/console.md).
type Console struct {
	// Enabled mounts the console and the API pages on the main listener.
	Enabled bool `mapstructure:"enabled"`
	// SessionSecret signs the console's session cookies (at least 32
	// bytes). Every replica behind one address needs the same one: the
	// session lives in the cookie, not in the process.
	SessionSecret string `mapstructure:"sessionSecret"`
	// SessionLifetime is how long a console login lasts.
	SessionLifetime time.Duration `mapstructure:"sessionLifetime"`
	// AdminGroups are the groups whose members may log in; empty means
	// the groups the enabled dialects make administrators.
	AdminGroups []string `mapstructure:"adminGroups"`
	// RetireAfter is how long a dialect or a client must have been silent
	// to be shown as ready to retire.
	RetireAfter time.Duration `mapstructure:"retireAfter"`
	// MaxClients bounds the (dialect, endpoint, credential) series the
	// migration view keeps; traffic past it is counted as credential
	// "other". Each series costs about 15 KiB.
	MaxClients int `mapstructure:"maxClients"`
	// AuditEntries is how many of the latest audit lines the console keeps
	// in memory for its audit view.
	AuditEntries int `mapstructure:"auditEntries"`
}

// Defaults of the console block.
const (
	DefaultConsoleSessionLifetime = 8 * time.Hour
	DefaultConsoleRetireAfter     = 30 * 24 * time.Hour
	DefaultConsoleMaxClients      = 1000
	DefaultConsoleAuditEntries    = 5000
	// MinConsoleSecret is the least length of console.sessionSecret.
	MinConsoleSecret = 32
)

func defaultConsole() Console {
	return Console{
		SessionLifetime: DefaultConsoleSessionLifetime,
		RetireAfter:     DefaultConsoleRetireAfter,
		MaxClients:      DefaultConsoleMaxClients,
		AuditEntries:    DefaultConsoleAuditEntries,
	}
}

// ConsoleAdminGroups are the groups whose members may log in to the
// console.
func (c *Config) ConsoleAdminGroups() []string {
	if len(c.Console.AdminGroups) > 0 {
		return c.Console.AdminGroups
	}
	return c.AdminGroups()
}

func (c *Config) validateConsole(ps *problems) {
	con := c.Console
	if !con.Enabled {
		return
	}
	if len(con.SessionSecret) < MinConsoleSecret {
		ps.addf("console.sessionSecret", fmt.Sprintf("must be at least %d bytes when the console is enabled (e.g. `openssl rand -base64 48`)", MinConsoleSecret))
	}
	if con.SessionLifetime < time.Minute {
		ps.addf("console.sessionLifetime", "must be at least 1m")
	}
	if con.RetireAfter <= 0 {
		ps.addf("console.retireAfter", "must be positive")
	}
	if con.MaxClients < 1 {
		ps.addf("console.maxClients", "must be at least 1")
	}
	if con.AuditEntries < 1 {
		ps.addf("console.auditEntries", "must be at least 1")
	}
	if len(c.ConsoleAdminGroups()) == 0 {
		ps.addf("console.adminGroups", "no group may log in: name one here, or enable a dialect that has admin groups")
	}
}
