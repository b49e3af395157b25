package client

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"
)

// The pace cache keeps what adaptive pacing (no domain type) learned about a domain's limits
// between provider processes. Terraform runs a plan and its apply, a refresh, a destroy, each
// in a provider process of its own, one right after the other; a process that knows nothing
// sends its first requests unpaced, and against a Free domain the ones in flight when the
// first 429 returns are refused too (measured: 8 to 9% of a destroy's requests, up to a third
// of a small refresh 80 ms away). With the cache, the next process starts at the pace the
// last one learned. A domain that never answered 429 has no file: nothing changes for it.

// PaceCacheEnv names the environment variable that moves the pace cache ("off" turns it off;
// any other value is the directory to keep it in). Unset, it is the user's cache directory
// (os.UserCacheDir) under terraform-provider-idcsmfa/pace.
const PaceCacheEnv = "IDCS_PACE_CACHE"

// paceCacheTTL is how long a learned limit is trusted, from the 429 that taught it. A domain's
// limits change with its type (an upgrade) and with whoever else shares them (sign-ins, other
// tools), which vary over minutes to hours; the commands of one Terraform workflow (plan,
// apply, refresh, destroy, a pipeline's stages) follow each other within minutes. An hour
// spans a working session, and a stale limit (a busy moment, a domain since upgraded) stops
// slowing anyone an hour after the last 429. Each new 429 renews it.
const paceCacheTTL = time.Hour

// paceSaveEvery is the least time between two writes of one domain's file: a round of 429s
// (or a step of recovery) is written at once, the ones that follow within it together.
const paceSaveEvery = time.Second

// learnedLimit is what the domain's 429s taught about one group: how many of its requests the
// domain accepted in the second (and, from a 429 that asked to wait longer than a second, in
// the minute) before it refused one. Zero is unknown.
type learnedLimit struct {
	PerSecond int       `json:"per_second,omitempty"`
	PerMinute int       `json:"per_minute,omitempty"`
	LearnedAt time.Time `json:"learned_at"` // the 429 that taught it, not a later recovery
}

func (l learnedLimit) known() bool { return l.PerSecond > 0 || l.PerMinute > 0 }

// paceFile is the file's content: no host, no path, no credential; the file's name is a hash
// of the domain's scheme, host and port.
type paceFile struct {
	Version int                     `json:"version"`
	Groups  map[string]learnedLimit `json:"groups"` // by group name (rateGroup.String)
}

const paceFileVersion = 1

// paceCache is one domain's file; nil when the cache is off or has no directory.
type paceCache struct{ path string }

// paceCacheFor returns host's file, or nil and why there is none ("" when turned off).
func paceCacheFor(host string) (*paceCache, string) {
	dir := os.Getenv(PaceCacheEnv)
	switch dir {
	case "off":
		return nil, ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return nil, "no pace cache: " + err.Error()
		}
		dir = filepath.Join(base, "terraform-provider-idcsmfa", "pace")
	}
	key := host
	if u, err := url.Parse(host); err == nil && u.Host != "" {
		key = u.Scheme + "://" + u.Host
	}
	sum := sha256.Sum256([]byte(key))
	return &paceCache{path: filepath.Join(dir, hex.EncodeToString(sum[:16])+".json")}, ""
}

// load returns what the file holds that was learned within paceCacheTTL before now; a file
// that is missing, unreadable or not understood holds nothing.
func (c *paceCache) load(now time.Time) (out [groupCount]learnedLimit) {
	if c == nil {
		return out
	}
	data, err := os.ReadFile(c.path)
	if err != nil {
		return out
	}
	var f paceFile
	if json.Unmarshal(data, &f) != nil || f.Version != paceFileVersion {
		return out
	}
	for g := range out {
		l, ok := f.Groups[rateGroup(g).String()]
		age := now.Sub(l.LearnedAt)
		// A limit learned in the future (another clock) by more than a minute is not trusted.
		if !ok || age > paceCacheTTL || age < -time.Minute || l.PerSecond < 0 || l.PerMinute < 0 ||
			l.PerSecond > 100000 || l.PerMinute > 1000000 {
			continue
		}
		out[g] = l
	}
	return out
}

// save writes learned over the file atomically (a temporary file renamed over it): another
// process reads the old file or the new one, never half of one; the last writer wins.
func (c *paceCache) save(learned [groupCount]learnedLimit) error {
	f := paceFile{Version: paceFileVersion, Groups: map[string]learnedLimit{}}
	for g, l := range learned {
		if l.known() {
			f.Groups[rateGroup(g).String()] = l
		}
	}
	data, err := json.Marshal(f)
	if err != nil {
		return err
	}
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".pace-*.tmp")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), c.path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("replacing the pace cache file: %w", err)
	}
	return nil
}
