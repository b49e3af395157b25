package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// reads are the methods of *client.Client that only read. Every other exported method that
// takes a context changes the service and must go through the client's commit: the test
// below drives each of them, so a new method is either listed here or held to that promise.
var reads = map[string]bool{
	"FindUserFactors": true, "GetAuthenticationFactorSettings": true, "GetFactor": true, "GetMyDevice": true, "GetVerification": true,
	"ListAllUsers": true, "ListFactors": true, "ListMyDevices": true, "ListUsers": true,
	"Me": true, "UserDevices": true, "DeviceTimes": true, "UserLoginAttempts": true,
	"GetSecurityQuestionSettings": true, "ListSecurityQuestions": true, "MySecurityQuestions": true, "UserSecurityQuestions": true,
}

// argsFor builds the arguments of a call after its context: non-empty strings (so that no
// path check refuses them before sending) and zero values, except where the method checks
// its input before any request.
func argsFor(m reflect.Method) []reflect.Value {
	if m.Name == "Verify" {
		return []reflect.Value{reflect.ValueOf(client.VerifyRequest{UserID: "x"})}
	}
	if m.Name == "SetMySecurityQuestions" { // checks its op before sending
		return []reflect.Value{reflect.ValueOf(client.MyQuestionsRemove), reflect.ValueOf([]client.SecurityAnswer(nil))}
	}
	var args []reflect.Value
	for i := 2; i < m.Type.NumIn(); i++ {
		t := m.Type.In(i)
		v := reflect.New(t).Elem()
		if t.Kind() == reflect.String {
			v.SetString("x")
		}
		args = append(args, v)
	}
	return args
}

// changingMethods lists the exported methods of *client.Client that take a context and are
// not in reads, and fails if reads names a method that does not exist.
func changingMethods(t *testing.T) []reflect.Method {
	t.Helper()
	ctxType := reflect.TypeOf((*context.Context)(nil)).Elem()
	typ := reflect.TypeOf(&client.Client{})
	var out []reflect.Method
	for i := 0; i < typ.NumMethod(); i++ {
		m := typ.Method(i)
		if m.Type.NumIn() < 2 || m.Type.In(1) != ctxType || reads[m.Name] {
			continue
		}
		out = append(out, m)
	}
	for name := range reads {
		if _, ok := typ.MethodByName(name); !ok {
			t.Errorf("reads names %s, which *client.Client does not have", name)
		}
	}
	if len(out) < 15 {
		t.Fatalf("found %d changing methods, want the 20 or so the client has: the reflection is broken", len(out))
	}
	return out
}

func callErr(m reflect.Method, c *client.Client, ctx context.Context) error {
	in := append([]reflect.Value{reflect.ValueOf(c), reflect.ValueOf(ctx)}, argsFor(m)...)
	out := m.Func.Call(in)
	err, _ := out[len(out)-1].Interface().(error)
	return err
}

// Every call that changes the service is not started on a context already done: nothing
// reaches the server and the error matches ErrNotSent (and the context's error).
func TestEveryChangingCallIsNotSentOnACancelledContext(t *testing.T) {
	var got atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		t.Errorf("%s %s reached the server on a cancelled context", r.Method, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Host: srv.URL, AccessToken: "token"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var names []string
	for _, m := range changingMethods(t) {
		names = append(names, m.Name)
		err := callErr(m, c, ctx)
		if !errors.Is(err, client.ErrNotSent) || !errors.Is(err, context.Canceled) {
			t.Errorf("%s on a cancelled context: %v, want ErrNotSent and context.Canceled (it bypasses the commit, or belongs in reads)", m.Name, err)
		}
	}
	sort.Strings(names)
	t.Logf("changing calls checked: %v", names)
	if n := got.Load(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

// Every call that changes the service, once sent, is finished even if its context is
// cancelled while the request is on the wire: the caller gets the server's answer, not
// context.Canceled.
func TestEveryChangingCallFinishesWhenCancelledOnTheWire(t *testing.T) {
	var cancelCall atomic.Pointer[context.CancelFunc]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := cancelCall.Load(); f != nil {
			(*f)()
		}
		time.Sleep(20 * time.Millisecond) // the cancellation reaches the client first
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(client.Config{Host: srv.URL, AccessToken: "token", RetryMax: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range changingMethods(t) {
		ctx, cancel := context.WithCancel(context.Background())
		cancelCall.Store(&cancel)
		err := callErr(m, c, ctx)
		if ctx.Err() == nil {
			t.Errorf("%s sent nothing: the test proves nothing for it", m.Name)
		}
		if errors.Is(err, context.Canceled) {
			t.Errorf("%s cancelled on the wire: %v, want it finished", m.Name, err)
		}
		cancel()
	}
}
