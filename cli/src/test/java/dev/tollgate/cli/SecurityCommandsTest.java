package dev.tollgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tollgate.cli.core.ExitCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security commands (issue #24, docs/security.md): the environments a key may use, named admin credentials, and
 * the key-encryption keys. What each sends to the admin API and what it prints; a key or token only when created.
 */
class SecurityCommandsTest {

    private static final String KEY = "tg_Zx9secretKeyMaterial0123456789";
    private static final String TOKEN = "tgadm_Ab12Cd34secretTokenMaterial";

    @TempDir
    Path home;

    private FakeApi api;

    @BeforeEach
    void start() throws IOException {
        api = new FakeApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static String keyView(String id, String environment, String allowed, String key) {
        return "{'id':'" + id + "','object':'api_key','prefix':'tg_Zx9s','org_id':'acme','team_id':null,"
                + "'name':'search','allowed_models':[],'rpm_limit':null,'tpm_limit':null,'expires_at':null,"
                + "'revoked_at':null,'created_at':'2026-12-06T10:00:00Z','environment':'" + environment + "',"
                + "'allowed_environments':" + allowed + ",'key':" + (key == null ? "null" : "'" + key + "'") + "}";
    }

    /** Text with single quotes for a FakeApi answer, whose single quotes stand for double quotes. */
    private static String apostrophes(String text) {
        return text.replace("'", "\\u0027");
    }

    private static int occurrences(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    @Test
    void createsAKeyWithItsAllowedEnvironmentsAndPrintsTheKeyOnce() {
        api.on("POST", "/admin/v1/keys", 201, keyView("key_1", "staging", "['production','staging']", KEY));

        CliRun run = CliRun.run(api.env(), home, "keys", "create", "--org", "acme", "--environment", "staging",
                "--allowed-environment", "staging,production", "--allowed-environment", "staging");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(api.last("POST", "/admin/v1/keys").body()).contains("\"environment\":\"staging\"")
                .contains("\"allowed_environments\":[\"staging\",\"production\"]");
        assertThat(occurrences(run.out(), KEY)).isEqualTo(1);
        assertThat(run.out()).contains("only time the key is shown");
    }

    @Test
    void createsAKeyWithoutAnEnvironmentListSoTheServerDefaultsToItsOwn() {
        api.on("POST", "/admin/v1/keys", 201, keyView("key_1", "production", "['production']", KEY));

        CliRun run = CliRun.run(api.env(), home, "keys", "create", "--org", "acme");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(api.last("POST", "/admin/v1/keys").body()).doesNotContain("allowed_environments");
    }

    @Test
    void allowedEnvironmentsWithoutTheKeysOwnAreBadUsageBeforeAnyCall() {
        CliRun run = CliRun.run(api.env(), home, "keys", "create", "--org", "acme", "--allowed-environment",
                "staging");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("must include the key's own environment 'production'")
                .contains("--allowed-environment production");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void anUnknownEnvironmentIsBadUsageNamingTheChoices() {
        CliRun run = CliRun.run(api.env(), home, "keys", "environments", "key_1", "--allow", "staging,qa");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("qa").contains("development, staging, production");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void setsTheEnvironmentsAKeyMayUseAndSaysWhatItMayNowReach() {
        api.on("POST", "/admin/v1/keys/key_1/environments", 200,
                keyView("key_1", "production", "['production','staging']", null));

        CliRun run = CliRun.run(api.env(), home, "keys", "environments", "key_1", "--allow", "staging,production");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        FakeApi.Request sent = api.last("POST", "/admin/v1/keys/key_1/environments");
        assertThat(sent.body()).isEqualTo("{\"allowed_environments\":[\"staging\",\"production\"]}");
        assertThat(sent.authorization()).isEqualTo("Bearer tga_test");
        assertThat(run.out()).contains("Key key_1 may now send requests to production,staging")
                .contains("its own environment: production");
    }

    @Test
    void settingEnvironmentsPrintsTheKeysObjectAsJson() {
        api.on("POST", "/admin/v1/keys/key_1/environments", 200,
                keyView("key_1", "production", "['production']", null));

        CliRun run = CliRun.run(api.env(), home, "keys", "environments", "key_1", "--allow", "production", "-o",
                "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("{").contains("\"allowed_environments\" : [ \"production\" ]")
                .doesNotContain("may now");
    }

    @Test
    void settingEnvironmentsWithTheKeyInsteadOfItsIdIsRefusedBeforeAnyCall() {
        CliRun run = CliRun.run(api.env(), home, "keys", "environments", KEY, "--allow", "production");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("looks like the key itself").contains("tollgate keys list")
                .doesNotContain(KEY);
        assertThat(api.requests).isEmpty();
    }

    @Test
    void theServersRefusalOfAListWithoutTheKeysOwnEnvironmentIsBadUsageWithItsMessage() {
        String message = apostrophes("'allowed_environments' must include the key's own environment 'production'.");
        api.on("POST", "/admin/v1/keys/key_1/environments", 400, "{'error':{'message':'" + message + "',"
                + "'type':'invalid_request_error','param':'allowed_environments','code':'invalid_request'}}");

        CliRun run = CliRun.run(api.env(), home, "keys", "environments", "key_1", "--allow", "staging");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("error: 'allowed_environments' must include the key's own environment")
                .contains("(invalid_request, allowed_environments)");
    }

    @Test
    void settingEnvironmentsOfAnUnknownKeyIsNotFound() {
        CliRun run = CliRun.run(api.env(), home, "keys", "environments", "key_nope", "--allow", "production");

        assertThat(run.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(api.last("POST", "/admin/v1/keys/key_nope/environments")).isNotNull();
    }

    @Test
    void listsKeysWithTheEnvironmentsEachMayUseAndLegacyForKeysWithoutAList() {
        api.on("GET", "/admin/v1/keys", 200, "{'object':'list','data':[" + keyView("key_1", "staging",
                "['production','staging']", null) + "," + keyView("key_old", "production", "null", null) + "]}");

        CliRun run = CliRun.run(api.env(), home, "keys", "list");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String[] lines = run.out().split("\n");
        assertThat(lines[0]).contains("ENVIRONMENT", "ALLOWED ENVS", "MODELS");
        assertThat(lines[1]).contains("key_1", "staging", "production,staging");
        assertThat(lines[2]).contains("key_old", "legacy");
    }

    @Test
    void createsACredentialAndPrintsItsTokenOnlyThen() {
        api.on("POST", "/admin/v1/credentials", 201, "{'id':'cred_1','object':'admin_credential','name':'ci',"
                + "'role':'admin','prefix':'tgadm_Ab12Cd34','created_by':'master','created_at':'2026-12-06T10:00:00Z',"
                + "'revoked_at':null,'token':'" + TOKEN + "'}");
        // a server that (wrongly) answered the token again must still not get it printed
        api.on("GET", "/admin/v1/credentials", 200, "{'object':'list','data':[{'id':'cred_1','object':"
                + "'admin_credential','name':'ci','role':'admin','prefix':'tgadm_Ab12Cd34','created_by':'master',"
                + "'created_at':'2026-12-06T10:00:00Z','revoked_at':null,'token':'" + TOKEN + "'}]}");
        api.on("POST", "/admin/v1/credentials/cred_1/revoke", 200, "{'id':'cred_1','object':'admin_credential',"
                + "'name':'ci','role':'admin','prefix':'tgadm_Ab12Cd34','revoked_at':'2026-12-06T11:00:00Z',"
                + "'token':'" + TOKEN + "'}");

        CliRun created = CliRun.run(api.env(), home, "credentials", "create", "--name", "ci", "--role", "admin");
        CliRun listed = CliRun.run(api.env(), home, "credentials", "list");
        CliRun revoked = CliRun.run(api.env(), home, "credentials", "revoke", "cred_1");

        assertThat(created.exitCode()).as(created.toString()).isZero();
        assertThat(api.requests.get(0).pathAndQuery()).isEqualTo("/admin/v1/credentials");
        assertThat(api.requests.get(0).body()).isEqualTo("{\"name\":\"ci\",\"role\":\"admin\"}");
        assertThat(api.requests.get(2).pathAndQuery()).isEqualTo("/admin/v1/credentials/cred_1/revoke");
        assertThat(occurrences(created.out(), TOKEN)).isEqualTo(1);
        assertThat(created.out()).contains("Created credential cred_1 'ci' (role admin)")
                .contains("only time the token is shown").contains("TOLLGATE_ADMIN_TOKEN");
        assertThat(listed.out()).contains("cred_1", "ci", "admin", "tgadm_Ab12Cd34", "master", "active")
                .doesNotContain(TOKEN);
        assertThat(revoked.out()).contains("Revoked credential cred_1 'ci' at 2026-12-06T11:00:00Z")
                .doesNotContain(TOKEN);
        assertThat(created.err() + listed.err() + revoked.err()).doesNotContain(TOKEN);
    }

    @Test
    void createsACredentialWithoutARoleSoTheServerDefaultsToReadOnly() {
        api.on("POST", "/admin/v1/credentials", 201, "{'id':'cred_2','name':'console','role':'read_only',"
                + "'token':'" + TOKEN + "'}");

        CliRun run = CliRun.run(api.env(), home, "credentials", "create", "--name", "console");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(api.last("POST", "/admin/v1/credentials").body()).isEqualTo("{\"name\":\"console\"}");
        assertThat(run.out()).contains("(role read_only)");
    }

    @Test
    void aCredentialWithAnUnknownRoleIsBadUsageBeforeAnyCall() {
        CliRun run = CliRun.run(api.env(), home, "credentials", "create", "--name", "ci", "--role", "root");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--role").contains("root").contains("admin, read_only");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void creatingACredentialWithTheReadOnlyTokenIsAnAuthErrorWithAHint() {
        api.on("POST", "/admin/v1/credentials", 403, "{'error':{'message':'The read-only token may only read.',"
                + "'type':'permission_error','param':null,'code':'read_only_token'}}");

        CliRun run = CliRun.run(api.env(), home, "credentials", "create", "--name", "ci");

        assertThat(run.exitCode()).isEqualTo(ExitCode.AUTH);
        assertThat(run.err()).contains("error: The read-only token may only read. (read_only_token)")
                .contains("use the admin token");
    }

    @Test
    void aDuplicateCredentialNameIsAConflict() {
        String message = apostrophes("A live credential named 'ci' already exists.");
        api.on("POST", "/admin/v1/credentials", 409, "{'error':{'message':'" + message + "',"
                + "'type':'invalid_request_error','param':'name','code':'conflict'}}");

        CliRun run = CliRun.run(api.env(), home, "credentials", "create", "--name", "ci");

        assertThat(run.exitCode()).isEqualTo(ExitCode.CONFLICT);
        assertThat(run.err()).contains("A live credential named 'ci' already exists.");
    }

    @Test
    void revokingWithTheTokenInsteadOfTheCredentialsIdIsRefusedBeforeAnyCall() {
        CliRun run = CliRun.run(api.env(), home, "credentials", "revoke", TOKEN);

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("looks like the token itself").contains("tollgate credentials list")
                .doesNotContain(TOKEN);
        assertThat(api.requests).isEmpty();
    }

    @Test
    void listsRevokedCredentialsAsRevokedWithWhen() {
        api.on("GET", "/admin/v1/credentials", 200, "{'object':'list','data':[{'id':'cred_9','name':'old ci',"
                + "'role':'read_only','prefix':'tgadm_Zz','created_by':'cred_1','created_at':'2026-12-01T10:00:00Z',"
                + "'revoked_at':'2026-12-05T09:00:00Z'}]}");

        CliRun run = CliRun.run(api.env(), home, "credentials", "list");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().split("\n")[0]).contains("ID", "NAME", "ROLE", "PREFIX", "CREATED BY", "STATE");
        assertThat(run.out().split("\n")[1]).contains("cred_9", "old ci", "read_only", "cred_1",
                "revoked 2026-12-05T09:00:00Z");
    }

    @Test
    void secretsStatusShowsEachKekAndTheEndpointsThisReplicaCannotOpen() {
        api.on("GET", "/admin/v1/secrets", 200, "{'object':'secrets','primary_kek_id':'kek-2','kek_ids':['kek-1',"
                + "'kek-2'],'endpoints_by_kek':{'kek-0':1,'kek-2':3},'unavailable':[{'endpoint_id':'openai-1',"
                + "'reason':'" + apostrophes("the key-encryption key 'kek-0' is not held by this replica") + "'}]}");

        CliRun run = CliRun.run(api.env(), home, "secrets", "status");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(api.last("GET", "/admin/v1/secrets").pathAndQuery()).isEqualTo("/admin/v1/secrets");
        assertThat(run.out()).contains("Primary KEK: kek-2");
        String[] lines = run.out().split("\n");
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("kek-0\\s+no\\s+no\\s+1"))
                .anySatisfy(l -> assertThat(l).matches("kek-1\\s+yes\\s+no\\s+0"))
                .anySatisfy(l -> assertThat(l).matches("kek-2\\s+yes\\s+yes\\s+3"))
                .anySatisfy(l -> assertThat(l).startsWith("ENDPOINT").contains("UNAVAILABLE BECAUSE"))
                .anySatisfy(l -> assertThat(l).startsWith("openai-1")
                        .contains("the key-encryption key 'kek-0' is not held by this replica"));
        assertThat(run.out()).contains("1 endpoint(s) not routed to by this replica");
    }

    @Test
    void secretsStatusSaysWhenEverySealedKeyOpens() {
        api.on("GET", "/admin/v1/secrets", 200, "{'object':'secrets','primary_kek_id':'local-1','kek_ids':"
                + "['local-1'],'endpoints_by_kek':{'local-1':2},'unavailable':[]}");

        CliRun run = CliRun.run(api.env(), home, "secrets", "status");
        CliRun json = CliRun.run(api.env(), home, "secrets", "status", "-o", "json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("Every sealed upstream key opens on this replica.")
                .doesNotContain("UNAVAILABLE BECAUSE");
        assertThat(json.out()).startsWith("{").contains("\"endpoints_by_kek\" : {").doesNotContain("Primary KEK");
    }

    @Test
    void rewrapsToTheGivenKekAndShowsWhatWasRewrappedAndRepublished() {
        api.on("POST", "/admin/v1/secrets/rewrap", 200, "{'object':'secrets_rewrap','target_kek_id':'kek-2',"
                + "'rewrapped':3,'republished':5,'failed':[]}");

        CliRun run = CliRun.run(api.env(), home, "secrets", "rewrap", "--kek", "kek-2");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(api.last("POST", "/admin/v1/secrets/rewrap").body()).isEqualTo("{\"kek_id\":\"kek-2\"}");
        assertThat(run.out()).contains("Re-wrapped 3 upstream key(s) to KEK kek-2; re-published 5 endpoint(s).");
    }

    @Test
    void rewrapsToThePrimaryKekWhenNoneIsNamed() {
        api.on("POST", "/admin/v1/secrets/rewrap", 200, "{'object':'secrets_rewrap','target_kek_id':'local-1',"
                + "'rewrapped':0,'republished':2,'failed':[]}");

        CliRun run = CliRun.run(api.env(), home, "secrets", "rewrap");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(api.last("POST", "/admin/v1/secrets/rewrap").body()).isEqualTo("{}");
        assertThat(run.out()).contains("to KEK local-1");
    }

    @Test
    void aRewrapThatLeftEndpointsBehindListsThemWithWhyAndExitsOne() {
        api.on("POST", "/admin/v1/secrets/rewrap", 200, "{'object':'secrets_rewrap','target_kek_id':'kek-2',"
                + "'rewrapped':1,'republished':1,'failed':[{'endpoint_id':'openai-1','reason':'"
                + apostrophes("the key-encryption key 'kek-0' is not held by this replica") + "'}]}");

        CliRun run = CliRun.run(api.env(), home, "secrets", "rewrap");
        CliRun json = CliRun.run(api.env(), home, "secrets", "rewrap", "-o", "json");

        assertThat(run.exitCode()).isEqualTo(ExitCode.ERROR);
        assertThat(run.out()).contains("Re-wrapped 1 upstream key(s)").contains("NOT RE-WRAPPED BECAUSE")
                .containsPattern("openai-1\\s+the key-encryption key 'kek-0' is not held");
        assertThat(run.err()).contains("error: 1 endpoint(s) were not re-wrapped").contains("run the same command "
                + "again");
        assertThat(json.exitCode()).isEqualTo(ExitCode.ERROR);
        assertThat(json.out()).startsWith("{").contains("\"failed\" : [");
    }

    @Test
    void rewrappingToAKekTheReplicaDoesNotHoldIsBadUsageWithTheServersMessage() {
        String message = apostrophes("This replica holds no key-encryption key 'kek-9'; it holds [kek-1].");
        api.on("POST", "/admin/v1/secrets/rewrap", 400, "{'error':{'message':'" + message + "',"
                + "'type':'invalid_request_error','param':'kek_id','code':'invalid_request'}}");

        CliRun run = CliRun.run(api.env(), home, "secrets", "rewrap", "--kek", "kek-9");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("holds no key-encryption key 'kek-9'").contains("(invalid_request, kek_id)");
    }
}
