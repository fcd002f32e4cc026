package config

import (
	"github.com/dirgate/dirgate/adapters/adweb"
	"github.com/dirgate/dirgate/adapters/artica"
	"github.com/dirgate/dirgate/adapters/kanboard"
	"github.com/dirgate/dirgate/adapters/openapi"
	"github.com/dirgate/dirgate/adapters/privacyidea"
	"github.com/dirgate/dirgate/adapters/scim"
	"github.com/dirgate/dirgate/internal/dialect"
)

// dialects maps a `dialects.<name>` key to a new dialect.Config holding
// that dialect's defaults; the block's `config:` is decoded over it.
// Adding a dialect is one line here, e.g.
//
//	"kanboard": func() dialect.Config { return kanboard.DefaultConfig() },
//
// and no serve code changes. No init() registration: what a binary serves
// is visible here.
var dialects = map[string]func() dialect.Config{
	// One entry per line, sorted by name, so concurrent additions do not
	// collide.
	"adweb":       func() dialect.Config { return adweb.DefaultConfig() },
	"artica":      func() dialect.Config { return artica.DefaultConfig() },
	"kanboard":    func() dialect.Config { return kanboard.DefaultConfig() },
	"openapi":     func() dialect.Config { return openapi.DefaultConfig() },
	"privacyidea": func() dialect.Config { return privacyidea.DefaultConfig() },
	"scim":        func() dialect.Config { return scim.DefaultConfig() },
}
