/* test-plan.c: reading, checking and saving a person's answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sesame-plan.h"

static SesameCatalog *catalog;

static SesamePlan *
load_string (const char  *json,
             GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));

  return sesame_plan_load_from_bytes (bytes, catalog, error);
}

static void
test_seed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "seed-plan.json", NULL);
  const SesameCustomRule *rule;

  plan = sesame_plan_load_from_file (path, catalog, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, "buffalo-bbr-4mg");
  g_assert_cmpstr (sesame_plan_get_router_address (plan), ==, "192.168.11.1");
  g_assert_cmpint (sesame_plan_get_connection (plan), ==, SESAME_CONNECTION_PPPOE);
  g_assert_cmpstr (sesame_plan_get_host_name (plan), ==, "Mac mini");
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.11.5");
  g_assert_cmpint (sesame_plan_get_host_os (plan), ==, SESAME_HOST_OS_MACOS);
  g_assert_cmpstr (sesame_plan_get_language (plan), ==, "ja");
  g_assert_cmpuint (g_strv_length ((char **) sesame_plan_get_services (plan)), ==, 6);
  g_assert_cmpstr (sesame_plan_get_services (plan)[4], ==, "ichat");
  g_assert_cmpuint (sesame_plan_get_custom_rules (plan)->len, ==, 1);

  rule = g_ptr_array_index (sesame_plan_get_custom_rules (plan), 0);
  g_assert_cmpstr (rule->name, ==, "Game server");
  g_assert_cmpint (rule->protocol, ==, SESAME_RULE_PROTOCOL_UDP);
  g_assert_cmpuint (rule->external.first, ==, 27015);
  g_assert_cmpuint (rule->external.last, ==, 27016);
  g_assert_cmpuint (rule->internal.first, ==, 27015);
}

/* Saved, loaded and saved again gives the same file; fields from a newer
 * Sesame survive at every level. */
static void
test_round_trip (void)
{
  static const char json[] =
    "{ \"version\": 1, \"made_by\": \"a newer Sesame\","
    "  \"router\": { \"id\": \"apple-airport-extreme\", \"lan_address\": \"10.0.1.1\","
    "              \"connection\": \"dhcp\", \"mac\": \"00:11:22:33:44:55\" },"
    "  \"host\": { \"name\": \"サーバー\", \"address\": \"10.0.1.5\", \"os\": \"linux-ufw\", \"static\": true },"
    "  \"services\": [\"ssh\", \"https\"],"
    "  \"custom_rules\": [ { \"name\": \"Alt SSH\", \"protocol\": \"tcp\", \"ports\": \"2222\","
    "                      \"internal_ports\": \"22\", \"note\": { \"kept\": [1, 2] } } ],"
    "  \"language\": \"en\" }";
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autoptr(SesamePlan) again = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sesame-plan-XXXXXX", &error);
  g_autofree char *path = NULL;
  const SesameCustomRule *rule;

  g_assert_no_error (error);
  path = g_build_filename (dir, "plan.json", NULL);

  plan = load_string (json, &error);
  g_assert_no_error (error);

  rule = g_ptr_array_index (sesame_plan_get_custom_rules (plan), 0);
  g_assert_cmpuint (rule->external.first, ==, 2222);
  g_assert_cmpuint (rule->internal.first, ==, 22);

  first = sesame_plan_to_json (plan);
  g_assert_nonnull (strstr (first, "\"made_by\" : \"a newer Sesame\""));
  g_assert_nonnull (strstr (first, "\"mac\" : \"00:11:22:33:44:55\""));
  g_assert_nonnull (strstr (first, "\"static\" : true"));
  g_assert_nonnull (strstr (first, "\"kept\""));
  g_assert_nonnull (strstr (first, "\"internal_ports\" : \"22\""));

  g_assert_true (sesame_plan_save_to_file (plan, path, &error));
  g_assert_no_error (error);

  again = sesame_plan_load_from_file (path, catalog, &error);
  g_assert_no_error (error);
  second = sesame_plan_to_json (again);
  g_assert_cmpstr (first, ==, second);

  /* Changes are saved; unknown fields stay */
  sesame_plan_set_host_address (again, "10.0.1.20");
  sesame_plan_remove_service (again, "ssh");
  g_assert_true (sesame_plan_save_to_file (again, path, &error));
  g_clear_object (&again);
  again = sesame_plan_load_from_file (path, catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sesame_plan_get_host_address (again), ==, "10.0.1.20");
  g_assert_false (sesame_plan_has_service (again, "ssh"));
  g_assert_true (sesame_plan_has_service (again, "https"));
  g_clear_pointer (&second, g_free);
  second = sesame_plan_to_json (again);
  g_assert_nonnull (strstr (second, "\"mac\" : \"00:11:22:33:44:55\""));

  g_remove (path);
  g_rmdir (dir);
}

/* Found by fuzzing: unknown members, even odd ones, keep their place, so
 * that saving twice gives the same file; a syntax error quoting part of a
 * multibyte character still gives a readable message */
static void
test_fuzz_regressions (void)
{
  static const char odd_members[] =
    "{\"version\": 1, \"router\": { \"id\": \"generic\", \"lan_address\": \"192.168.11.1\", \"co[nnection\": 1 },"
    " \"host\": { \"address\": \"192.168.11.5\", \"os\": \"macos\" }, \"lae\": \"ja\", \"zz\": [], \"aa\": {} }";
  static const char broken_utf8_quote[] =
    "{\"version\": 1, \"router\": { \"id\": \"generic\", \"x\": “095 }";
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePlan) plan = load_string (odd_members, &error);
  g_autoptr(SesamePlan) again = NULL;
  g_autoptr(SesamePlan) broken = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  first = sesame_plan_to_json (plan);
  again = load_string (first, &error);
  g_assert_no_error (error);
  second = sesame_plan_to_json (again);
  g_assert_cmpstr (first, ==, second);
  g_assert_true (strstr (first, "\"zz\"") < strstr (first, "\"aa\""));

  broken = load_string (broken_utf8_quote, &error);
  g_assert_null (broken);
  g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));

  /* An escaped lone surrogate makes no string that is not UTF-8 */
  {
    static const char surrogate[] =
      "{\"version\":1,\"router\":{\"id\":\"\\udfa0bbr-4mg\"},\"host\":{\"address\":\"8.6.1.5\",\"os\":\"macos\"}}";
    g_autoptr(SesamePlan) lone = NULL;

    g_clear_error (&error);
    lone = load_string (surrogate, &error);
    g_assert_null (lone);
    g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE);
    g_assert_true (g_utf8_validate (error->message, -1, NULL));
  }
}

/* Each mistake is reported with its JSON path and a reason a person understands */
static void
test_invalid (void)
{
  static const struct {
    const char *json;
    const char *expected;
  } cases[] = {
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.11.300\",\"os\":\"macos\"}}",
      "host.address: “192.168.11.300” is not an IPv4 address" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.11.5\",\"os\":\"amiga\"}}",
      "host.os: “amiga” is not a known system" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"os\":\"macos\"}}",
      "host.address: is missing" },
    { "{\"version\":1,\"router\":{\"id\":\"no-such-router\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"}}",
      "router.id: “no-such-router” is not a router Sesame knows" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\",\"connection\":\"carrier-pigeon\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"}}",
      "router.connection: “carrier-pigeon” is not a connection type" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\",\"lan_address\":\"192.168.1.5\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"}}",
      "host.address: is the router’s own address" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"127.0.0.1\",\"os\":\"macos\"}}",
      "host.address: “127.0.0.1” is a loopback address" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},\"services\":[\"ssh\",\"gopher\"]}",
      "services[1]: “gopher” is not a service Sesame knows" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},\"services\":[\"ssh\",\"ssh\"]}",
      "services[1]: “ssh” is listed twice" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},\"services\":[\"ssh\",\"ssh\",\"gopher\"]}",
      "services[2]: “gopher” is not a service Sesame knows" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},\"services\":[22]}",
      "services[0]: must be a service id" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},"
      "\"custom_rules\":[{\"name\":\"Game\",\"protocol\":\"udp\",\"ports\":\"27016-27015\"}]}",
      "custom_rules[0].ports: “27016-27015”: the range is reversed" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},"
      "\"custom_rules\":[{\"name\":\"Game\",\"protocol\":\"udp\",\"ports\":\"70000\"}]}",
      "custom_rules[0].ports: “70000”: ports go from 1 to 65535" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},"
      "\"custom_rules\":[{\"name\":\" \",\"protocol\":\"sctp\",\"ports\":\"80\"}]}",
      "custom_rules[0].protocol: “sctp” is not a protocol" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},"
      "\"custom_rules\":[{\"name\":\"\",\"protocol\":\"tcp\",\"ports\":\"80\"}]}",
      "custom_rules[0].name: give the rule a name" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},"
      "\"custom_rules\":[{\"name\":\"Map\",\"protocol\":\"tcp\",\"ports\":\"8000-8001\",\"internal_ports\":\"80\"}]}",
      "custom_rules[0].internal_ports: must span as many ports" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},\"language\":\"fr\"}",
      "language: “fr” is not a report language" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":7}}",
      "host.os: must be text" },
    { "{\"version\":1,\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"}}",
      "router: is missing" },
    { "{\"version\":1,\"router\":[],\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"}}",
      "router: must be an object" },
    { "{\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"}}",
      "version: is missing" },
    { "{\"version\":0,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"}}",
      "version: must be 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SesamePlan) plan = load_string (cases[i].json, &error);

      g_test_message ("case %u: %s", i, error ? error->message : "(loaded)");
      g_assert_null (plan);
      g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].expected));
    }
}

/* A control character anywhere (C0, DEL, C1) is refused at its place,
 * once: a terminal would run an escape code, a line break would split a
 * line of the checklist. */
static void
test_control_characters (void)
{
#define PLAN_WITH(router, host, rest) \
  "{\"version\":1,\"router\":{\"id\":\"generic\"" router "},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"linux-ufw\"" host "}" rest "}"
  static const struct {
    const char *json;
    const char *expected;
  } cases[] = {
    { PLAN_WITH ("", ",\"name\":\"box\\u001b]0;owned\\u0007\"", ""),
      "host.name: contains a control character (U+001B)" },
    { PLAN_WITH ("", ",\"name\":\"box\\r\\nInjected line\"", ""),
      "host.name: contains a control character (U+000D)" },
    { PLAN_WITH ("", ",\"name\":\"box\xc2\x9b""2J\"", ""),
      "host.name: contains a control character (U+009B)" },
    { PLAN_WITH ("", ",\"name\":\"box\x7f\"", ""),
      "host.name: contains a control character (U+007F)" },
    { PLAN_WITH (",\"connection\":\"pppoe\\t\"", "", ""),
      "router.connection: contains a control character (U+0009)" },
    { PLAN_WITH ("", "", ",\"services\":[\"http\",\"ssh\\u001b[2J\"]"),
      "services[1]: contains a control character (U+001B)" },
    { PLAN_WITH ("", "", ",\"custom_rules\":[{\"name\":\"Game\\u0085server\",\"protocol\":\"udp\",\"ports\":\"27015\"}]"),
      "custom_rules[0].name: contains a control character (U+0085)" },
    { PLAN_WITH ("", "", ",\"custom_rules\":[{\"name\":\"Game\",\"protocol\":\"udp\",\"ports\":\"27015\\n\"}]"),
      "custom_rules[0].ports: contains a control character (U+000A)" },
    { PLAN_WITH ("", "", ",\"language\":\"ja\\u0008\""),
      "language: contains a control character (U+0008)" },
    { PLAN_WITH ("", "", ",\"note\":{\"from\":[\"x\",\"\\u001bc\"]}"),
      "note.from[1]: contains a control character (U+001B)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SesamePlan) plan = load_string (cases[i].json, &error);

      g_test_message ("case %u: %s", i, error ? error->message : "(loaded)");
      g_assert_null (plan);
      g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID);
      /* One problem, with its place, and the message itself carries none */
      g_assert_true (g_str_has_prefix (error->message, cases[i].expected));
      g_assert_null (strchr (error->message, '\n'));
      for (const char *p = error->message; *p; p = g_utf8_next_char (p))
        g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
    }
#undef PLAN_WITH

  /* A plan made in memory, as the wizard does, is checked too */
  {
    g_autoptr(SesamePlan) plan = load_string ("{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"linux-ufw\"}}", NULL);
    g_autoptr(GPtrArray) problems = NULL;

    g_assert_nonnull (plan);
    sesame_plan_set_host_name (plan, "box\x1b[2J");
    problems = sesame_plan_validate (plan, catalog);
    g_assert_cmpuint (problems->len, ==, 1);
    g_assert_true (g_str_has_prefix (g_ptr_array_index (problems, 0),
                                     "host.name: contains a control character (U+001B)"));
  }
}

/* json-glib alone would take these: a second plan after the first (the
 * second ignored), comments, a member given twice (the last kept). Each is
 * refused with its line and column. */
static void
test_strict_json (void)
{
#define GOOD_PLAN "{\"version\":1,\"router\":{\"id\":\"generic\"},\"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"}}"
  static const struct {
    const char *json;
    const char *expected;
  } cases[] = {
    { GOOD_PLAN "\n" GOOD_PLAN, "(line 2, column 1: more data follows the end of the JSON value" },
    { GOOD_PLAN "\n\n  x", "(line 3, column 3: more data follows the end of the JSON value" },
    { "/* my plan */\n" GOOD_PLAN, "(line 1, column 1: comments are not allowed)" },
    { "{\"version\":1, // the first\n\"router\":{\"id\":\"generic\"}}", "(line 1, column 15: comments are not allowed)" },
    { GOOD_PLAN " # done", "(line 1, column 87: comments are not allowed)" },
    { "{\"version\":1,\n \"host\":{\"address\":\"192.168.1.5\",\"os\":\"macos\"},\n \"router\":{\"id\":\"generic\"},\n \"host\":{\"address\":\"192.168.1.6\",\"os\":\"linux-ufw\"}}",
      "(line 4, column 2: “host” appears twice in the same object)" },
    { "{\"version\":1,\"router\":{\"id\":\"generic\",\"\\u0069d\":\"openwrt\"}}",
      "(line 1, column 39: “id” appears twice in the same object)" },
    { "{\"version\":1,\"host\":{\"name\":\"Mac\\u0000 mini\"}}", "(line 1, column 33: \\u0000 (NUL) is not allowed in a string)" },
    { "{\"version\":1,\"host\":{\"name\":\"Mac\x1b mini\"}}", "(line 1, column 33: a control character in a string must be written as an escape" },
    { "{\"version\":1,}", "(line 1, column 14: a comma must be followed by another member or element)" },
    { "{\"services\":[\"ssh\",]}", "(line 1, column 20: a comma must be followed by another member or element)" },
    { "{'version':1}", "(line 1, column 2: a member name must be text in double quotes)" },
    { "{\"version\":01}", "(line 1, column 12: a number is not written as JSON writes numbers)" },
    { "{\"version\":1}}", "(line 1, column 14: more data follows the end of the JSON value" },
    { "{\"x\":\"\\ud800\"}", "(line 1, column 7: a lone surrogate" },
    { "{\"x\":tru}", "(line 1, column 6: unexpected character “t”)" },
    { "{\"x\" 1}", "(line 1, column 6: unexpected character “1”)" },
    { "{\"名前\":\"値\" ?}", "(line 1, column 11: unexpected character “?”)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SesamePlan) plan = load_string (cases[i].json, &error);

      g_test_message ("case %u: %s", i, error ? error->message : "(loaded)");
      g_assert_null (plan);
      g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE);
      if (strstr (error->message, cases[i].expected) == NULL)
        g_error ("case %u: “%s” lacks “%s”", i, error->message, cases[i].expected);
    }

  /* What is strict still loads: white space after the plan, a byte order
   * mark before it, escapes, and the same name in different objects */
  {
    static const char * const good[] = {
      GOOD_PLAN "\n\n",
      "\xef\xbb\xbf" GOOD_PLAN,
      "{\"version\":1,\"router\":{\"id\":\"gen\\u0065ric\"},\"host\":{\"name\":\"\\ud83d\\ude00 \\\"x\\\"\","
      "\"address\":\"192.168.1.5\",\"os\":\"macos\"},\"x\":{\"id\":[1.5e3,-0,true,false,null,{}]}}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (good); i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(SesamePlan) plan = load_string (good[i], &error);

        g_assert_no_error (error);
        g_assert_cmpstr (sesame_plan_get_router_id (plan), ==, "generic");
      }
  }
#undef GOOD_PLAN
}

/* All problems at once, one per line */
static void
test_several_problems (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_auto(GStrv) lines = NULL;

  plan = load_string ("{\"version\":1,\"router\":{\"id\":\"nope\"},"
                      "\"host\":{\"address\":\"1.2.3\",\"os\":\"beos\"},\"services\":[\"gopher\"]}",
                      &error);
  g_assert_null (plan);
  g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID);

  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_str_has_prefix (lines[0], "host.address: "));
  g_assert_true (g_str_has_prefix (lines[1], "host.os: "));
  g_assert_true (g_str_has_prefix (lines[2], "services[0]: "));
  g_assert_true (g_str_has_prefix (lines[3], "router.id: "));
}

static void
test_newer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePlan) plan = NULL;

  plan = load_string ("{\"version\":2,\"router\":{\"id\":\"generic\"},\"something\":\"new\"}", &error);
  g_assert_null (plan);
  g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_NEWER);
  g_assert_nonnull (strstr (error->message, "newer Sesame"));
  g_assert_nonnull (strstr (error->message, "plan version 2"));
}

/* Files that are no plan at all give an error, never a crash or a hang */
static void
test_unreadable (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"version\":1,\"x\":");
  g_autoptr(GString) huge = g_string_new ("{\"version\":1,\"x\":\"");
  static const guint8 binary[] = { 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff };
  static const char * const texts[] = {
    "",
    "   ",
    "{",
    "{\"version\": 1, \"router\": {\"id\": \"gen",
    "[1, 2, 3]",
    "\"a string\"",
    "null",
    "{\"version\":1,}",
    "\xff\xfe{\"version\":1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SesamePlan) plan = load_string (texts[i], &error);

      g_test_message ("case %u: %s", i, error ? error->message : "(loaded)");
      g_assert_null (plan);
      g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE);
    }

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SesamePlan) plan = load_string (deep->str, &error);

    g_assert_null (plan);
    g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE);
    g_assert_nonnull (strstr (error->message, "nested"));
  }

  for (guint i = 0; i < 2 * 1024 * 1024; i++)
    g_string_append_c (huge, 'a');
  g_string_append (huge, "\"}");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SesamePlan) plan = load_string (huge->str, &error);

    g_assert_null (plan);
    g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE);
    g_assert_nonnull (strstr (error->message, "too large"));
  }

  {
    g_autoptr(GBytes) bytes = g_bytes_new_static (binary, sizeof binary);
    g_autoptr(GError) error = NULL;
    g_autoptr(SesamePlan) plan = sesame_plan_load_from_bytes (bytes, catalog, &error);

    g_assert_null (plan);
    g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE);
    g_assert_nonnull (strstr (error->message, "not text"));
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SesamePlan) plan = sesame_plan_load_from_file ("/nonexistent/plan.json", catalog, &error);

    g_assert_null (plan);
    g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE);
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SesamePlan) plan = sesame_plan_load_from_file ("/", catalog, &error);

    g_assert_null (plan);
    g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE);
  }
}

/* Saving replaces the file whole; a failed save leaves the old one */
static void
test_save_atomic (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePlan) plan = sesame_plan_new ();
  g_autofree char *dir = g_dir_make_tmp ("sesame-plan-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "plan.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", "plan.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GDir) listing = NULL;
  guint entries = 0;

  g_assert_true (g_file_set_contents (path, "previous", -1, NULL));

  sesame_plan_set_host_address (plan, "192.168.1.5");
  sesame_plan_add_service (plan, "ssh");
  g_assert_true (sesame_plan_save_to_file (plan, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "{"));
  g_assert_nonnull (strstr (contents, "\"ssh\""));

  g_assert_false (sesame_plan_save_to_file (plan, missing, &error));
  g_assert_nonnull (error);

  /* No temporary file is left behind */
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    entries++;
  g_assert_cmpuint (entries, ==, 1);

  g_remove (path);
  g_rmdir (dir);
}

static void
count_change (SesamePlan *plan,
              guint      *changes)
{
  (*changes)++;
}

/* The wizard redraws when the plan changes, and only then */
static void
test_changed_signal (void)
{
  g_autoptr(SesamePlan) plan = sesame_plan_new ();
  SesameCustomRule rule = { (char *) "Game", SESAME_RULE_PROTOCOL_UDP, { 27015, 27016 }, { 27015, 27016 } };
  guint changes = 0;

  g_signal_connect (plan, "changed", G_CALLBACK (count_change), &changes);

  sesame_plan_add_service (plan, "ssh");
  sesame_plan_add_service (plan, "ssh");
  g_assert_cmpuint (changes, ==, 1);
  sesame_plan_set_host_address (plan, "192.168.1.5");
  sesame_plan_set_host_address (plan, "192.168.1.5");
  g_assert_cmpuint (changes, ==, 2);
  sesame_plan_add_custom_rule (plan, &rule);
  g_assert_cmpuint (changes, ==, 3);
  sesame_plan_remove_custom_rule (plan, 0);
  g_assert_cmpuint (changes, ==, 4);
  g_object_set (plan, "connection", SESAME_CONNECTION_MAP_E, NULL);
  g_assert_cmpint (sesame_plan_get_connection (plan), ==, SESAME_CONNECTION_MAP_E);
  g_assert_cmpuint (changes, ==, 5);
}

/* A copy has the same answers and lives on its own; a plan that is not
 * whole yet cannot be copied */
static void
test_copy (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "seed-plan.json", NULL);
  g_autoptr(SesamePlan) plan = sesame_plan_load_from_file (path, catalog, NULL);
  g_autoptr(SesamePlan) copy = NULL;
  g_autoptr(SesamePlan) empty = sesame_plan_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *plan_json = NULL;
  g_autofree char *copy_json = NULL;

  g_assert_nonnull (plan);
  copy = sesame_plan_copy (plan, catalog, &error);
  g_assert_no_error (error);
  plan_json = sesame_plan_to_json (plan);
  copy_json = sesame_plan_to_json (copy);
  g_assert_cmpstr (copy_json, ==, plan_json);

  sesame_plan_set_host_address (copy, "10.0.1.5");
  g_assert_cmpstr (sesame_plan_get_host_address (plan), ==, "192.168.11.5");

  g_assert_null (sesame_plan_copy (empty, catalog, &error));
  g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  catalog = sesame_catalog_load_default (&error);
  g_assert_no_error (error);

  g_test_add_func ("/plan/seed", test_seed);
  g_test_add_func ("/plan/round-trip", test_round_trip);
  g_test_add_func ("/plan/copy", test_copy);
  g_test_add_func ("/plan/invalid", test_invalid);
  g_test_add_func ("/plan/several-problems", test_several_problems);
  g_test_add_func ("/plan/control-characters", test_control_characters);
  g_test_add_func ("/plan/strict-json", test_strict_json);
  g_test_add_func ("/plan/newer", test_newer);
  g_test_add_func ("/plan/unreadable", test_unreadable);
  g_test_add_func ("/plan/save-atomic", test_save_atomic);
  g_test_add_func ("/plan/changed-signal", test_changed_signal);
  g_test_add_func ("/plan/fuzz-regressions", test_fuzz_regressions);

  return g_test_run ();
}
