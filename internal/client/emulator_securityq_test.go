package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

func questionIDs(qs []client.UserSecurityQuestion) string {
	var ids []string
	for _, q := range qs {
		ids = append(ids, q.ID)
	}
	return strings.Join(ids, ",")
}

// The security-question calls against the emulator in both modes, as the resource chains
// them: the catalogue and rules, the first set-up, a change of questions with add/replace/
// remove, the user's questions as SCIM shows them, and the removal.
func TestEmulatorSecurityQuestionsBothModes(t *testing.T) {
	ctx := context.Background()
	emu, host := startEmulator(t, emulator.Config{Clients: []emulator.Client{
		{ID: emulator.DefaultClientID, Secret: emulator.DefaultClientSecret, Roles: []string{emulator.RoleMFAClient, emulator.RoleUserAdmin, emulator.RoleSecurityAdmin}},
		{ID: emulator.DefaultSelfServiceClientID, Secret: emulator.DefaultSelfServiceClientSecret, Roles: []string{emulator.RoleMe}},
	}})
	admin := newClient(t, host)

	cat, err := admin.ListSecurityQuestions(ctx)
	if err != nil || len(cat) < 5 || cat[0].ID != "FavoriteBook" || cat[0].Text == "" || !cat[0].Active {
		t.Fatalf("catalogue: %+v, %v", cat, err)
	}
	rules, err := admin.GetSecurityQuestionSettings(ctx)
	if err != nil || rules.NumQuestionsToSetUp != 3 || rules.MinAnswerLength < 1 || rules.MaxFieldLength < rules.MinAnswerLength {
		t.Fatalf("settings: %+v, %v", rules, err)
	}

	set := []client.SecurityAnswer{{ID: "FirstCar", Answer: "Ford Pinto", HintText: "red"}, {ID: "FirstPet", Answer: "Bouncer"}, {ID: "DreamJob", Answer: "Astronaut"}}
	if err := admin.EnrollSecurityQuestions(ctx, emulator.AliceID, set); err != nil {
		t.Fatal(err)
	}
	got, err := admin.UserSecurityQuestions(ctx, emulator.AliceID)
	if err != nil || questionIDs(got) != "DreamJob,FirstCar,FirstPet" || got[1].HintText != "red" {
		t.Fatalf("after set-up: %+v, %v", got, err)
	}
	change := []client.SecurityAnswer{{ID: "FirstPet", Op: "remove"}, {ID: "MaidenName", Answer: "Smithers", Op: "add"}, {ID: "FirstCar", Answer: "Trabant", Op: "replace"}}
	if err := admin.SetSecurityQuestions(ctx, emulator.AliceID, change); err != nil {
		t.Fatal(err)
	}
	if got, err = admin.UserSecurityQuestions(ctx, emulator.AliceID); err != nil || questionIDs(got) != "DreamJob,FirstCar,MaidenName" {
		t.Fatalf("after the change: %+v, %v", got, err)
	}
	short := []client.SecurityAnswer{{ID: "FirstCar", Answer: "ab", Op: "replace"}}
	if err := admin.SetSecurityQuestions(ctx, emulator.AliceID, short); err == nil || !strings.Contains(err.Error(), "at least") || strings.Contains(err.Error(), `"ab"`) {
		t.Errorf("a short answer: %v", err)
	}
	if err := admin.DeleteFactor(ctx, emulator.AliceID, client.SecurityQuestionsFactorID); err != nil {
		t.Fatal(err)
	}
	if got, err = admin.UserSecurityQuestions(ctx, emulator.AliceID); err != nil || len(got) != 0 {
		t.Fatalf("after the delete: %+v, %v", got, err)
	}

	u, err := emu.AddUser(emulator.User{UserName: "sq-self", Email: "sq-self@example.com", Password: "Passw0rd-1"})
	if err != nil {
		t.Fatal(err)
	}
	me := newClient(t, host, func(cfg *client.Config) {
		cfg.ClientID, cfg.ClientSecret = emulator.DefaultSelfServiceClientID, emulator.DefaultSelfServiceClientSecret
		cfg.Username, cfg.Password = "sq-self", "Passw0rd-1"
	})
	if _, err := me.ListSecurityQuestions(ctx); err != nil {
		t.Errorf("the user's token reads the catalogue in Oracle's self-service sample: %v", err)
	}
	if err := me.SetMySecurityQuestions(ctx, client.MyQuestionsAdd, set[:2]); err == nil || !strings.Contains(err.Error(), "3 security questions") {
		t.Errorf("two questions where the rules want three: %v", err)
	}
	if err := me.SetMySecurityQuestions(ctx, client.MyQuestionsAdd, set); err != nil {
		t.Fatal(err)
	}
	if err := me.ValidateMySecurityQuestions(ctx, set); err != nil {
		t.Fatalf("validating the answers just set: %v", err)
	}
	wrong := append([]client.SecurityAnswer{}, set...)
	wrong[0].Answer = "Trabant"
	if err := me.ValidateMySecurityQuestions(ctx, wrong); !errors.Is(err, client.ErrWrongAnswer) || errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("a wrong answer validated: %v", err)
	}
	if n, err := admin.UserLoginAttempts(ctx, u.ID); err != nil || n != 1 {
		t.Errorf("a wrong answer counts towards the lockout: loginAttempts %d, %v", n, err)
	}
	mine, err := me.MySecurityQuestions(ctx)
	if err != nil || questionIDs(mine) != "DreamJob,FirstCar,FirstPet" {
		t.Fatalf("my questions: %+v, %v", mine, err)
	}
	if err := me.SetMySecurityQuestions(ctx, client.MyQuestionsReplace, append(set[1:], client.SecurityAnswer{ID: "MaidenName", Answer: "Smithers"})); err != nil {
		t.Fatal(err)
	}
	if mine, err = me.MySecurityQuestions(ctx); err != nil || questionIDs(mine) != "DreamJob,FirstPet,MaidenName" {
		t.Fatalf("after replace: %+v, %v", mine, err)
	}
	if err := me.SetMySecurityQuestions(ctx, client.MyQuestionsRemove, nil); err != nil {
		t.Fatal(err)
	}
	if mine, err = me.MySecurityQuestions(ctx); err != nil || len(mine) != 0 {
		t.Fatalf("after remove: %+v, %v", mine, err)
	}
	if f := emu.Factors(u.ID); len(f) != 0 {
		t.Errorf("the factor outlived the removal of its questions: %+v", f)
	}
}
