package main

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// knownRoles are the app roles the emulator gives a meaning to (EMULATOR.md, Roles).
var knownRoles = []string{
	emulator.RoleMFAClient, emulator.RoleAuthenticatorClient, emulator.RoleUserAdmin,
	emulator.RoleIdentityDomainAdmin, emulator.RoleSecurityAdmin, emulator.RoleMe,
}

// parseApp reads an -app value, ID:SECRET:ROLE[,ROLE...]; the secret may not contain ':'.
// Roles are matched ignoring case and written as Oracle spells them.
func parseApp(v string) (emulator.Client, error) {
	id, rest, ok1 := strings.Cut(v, ":")
	secret, roles, ok2 := strings.Cut(rest, ":")
	if !ok1 || !ok2 {
		return emulator.Client{}, errors.New("want ID:SECRET:ROLE[,ROLE...]")
	}
	app := emulator.Client{ID: strings.TrimSpace(id), Secret: secret}
	for _, r := range strings.Split(roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			app.Roles = append(app.Roles, r)
		}
	}
	if err := checkApp(app); err != nil {
		return emulator.Client{}, err
	}
	return app, nil
}

// checkApp refuses an application without id, secret or roles, or with a role the emulator
// does not know (which would silently grant nothing); role names are normalised to Oracle's.
func checkApp(app emulator.Client) error {
	if app.ID == "" || app.Secret == "" {
		return errors.New("an application needs an id and a secret")
	}
	if len(app.Roles) == 0 {
		return fmt.Errorf("application %s has no roles; give at least one of %s", app.ID, strings.Join(knownRoles, ", "))
	}
	for i, r := range app.Roles {
		known := ""
		for _, k := range knownRoles {
			if strings.EqualFold(strings.TrimSpace(r), k) {
				known = k
			}
		}
		if known == "" {
			return fmt.Errorf("application %s: unknown role %q; the emulator knows %s", app.ID, r, strings.Join(knownRoles, ", "))
		}
		app.Roles[i] = known
	}
	return nil
}

// checkApps refuses two applications with the same client id.
func checkApps(apps []emulator.Client) error {
	seen := map[string]bool{}
	for _, a := range apps {
		if seen[a.ID] {
			return fmt.Errorf("two applications have the client id %q", a.ID)
		}
		seen[a.ID] = true
	}
	return nil
}

// version is set at release time with -ldflags "-X main.version=…".
var version = ""

// buildVersion is the release version, else the module version or VCS revision Go recorded.
func buildVersion() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel " + rev
}
