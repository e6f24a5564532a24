/* test-portset.c: MAP-E port sets and DS-Lite, from an IPv6 address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sesame-checklist.h"
#include "sesame-portset.h"

/* RFC 7597 Appendix A: the Basic Mapping Rule of its examples */
static const char rfc_table[] =
  "{\"version\": 1, \"providers\": [{\"id\": \"rfc7597\", \"name\": \"RFC 7597\","
  " \"method\": \"map-e\", \"prefixes\": [\"2001:db8::/32\"], \"source\": \"RFC 7597\","
  " \"psid_length\": 8, \"psid_offset\": 6,"
  " \"rules\": [{\"ipv6\": \"2001:db8::/40\", \"ipv4\": \"192.0.2.0/24\"}]}]}";

static SesameTransitionTable *
table_from_text (const char  *text,
                 GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return sesame_transition_table_new_from_bytes (bytes, error);
}

static SesamePortset *
lookup (SesameTransitionTable *table,
        const char            *text)
{
  g_autoptr(GError) error = NULL;
  SesameIpv6Prefix prefix;
  SesamePortset *portset;

  g_assert_true (sesame_ipv6_prefix_parse (text, &prefix));
  portset = sesame_transition_table_lookup (table, &prefix, &error);
  g_assert_no_error (error);
  g_assert_nonnull (portset);
  return portset;
}

static void
assert_range (const SesamePortset *portset,
              guint                index,
              guint                first,
              guint                last)
{
  const SesamePortRange *range;

  g_assert_cmpuint (index, <, portset->ports->len);
  range = &g_array_index (portset->ports, SesamePortRange, index);
  g_assert_cmpuint (range->first, ==, first);
  g_assert_cmpuint (range->last, ==, last);
}

static void
assert_ipv4 (const SesamePortset *portset,
             const char          *expected)
{
  g_autofree char *ipv4 = sesame_portset_ipv4_to_string (portset);

  g_assert_cmpstr (ipv4, ==, expected);
}

/* RFC 7597 Appendix A, Example 1 (and the interface identifier of
 * Example 2 follows from the same numbers): 2001:db8:0012:3400::/56 under
 * {2001:db8::/40, 192.0.2.0/24, EA-bits 16, PSID offset 6} is 192.0.2.18,
 * PSID 0x34, 63 ranges of 4 ports: 1232-1235, 2256-2259, … 63696-63699,
 * 64720-64723 */
static void
test_rfc7597_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameTransitionTable) table = table_from_text (rfc_table, &error);
  g_autoptr(SesamePortset) portset = NULL;

  g_assert_no_error (error);
  portset = lookup (table, "2001:db8:12:3400::/56");

  g_assert_cmpint (portset->method, ==, SESAME_TRANSITION_MAP_E);
  g_assert_true (portset->rule_known);
  g_assert_cmpuint (portset->rule.ea_bits, ==, 16);
  assert_ipv4 (portset, "192.0.2.18");
  g_assert_cmpuint (portset->psid, ==, 0x34);
  g_assert_cmpuint (portset->ports->len, ==, 63);
  g_assert_cmpuint (portset->port_count, ==, 252);
  assert_range (portset, 0, 1232, 1235);
  assert_range (portset, 1, 2256, 2259);
  assert_range (portset, 61, 63696, 63699);
  assert_range (portset, 62, 64720, 64723);

  /* the CE's own address in that /56 gives the same */
  g_clear_pointer (&portset, sesame_portset_free);
  portset = lookup (table, "2001:db8:12:3400:0:c000:212:34");
  assert_ipv4 (portset, "192.0.2.18");
  g_assert_cmpuint (portset->psid, ==, 0x34);
}

/* The example, from the table Sesame ships */
static void
test_v6plus_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePortset) portset = sesame_portset_lookup_text ("240b:10:1234:5600::1", &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (portset->method, ==, SESAME_TRANSITION_MAP_E);
  g_assert_cmpstr (portset->provider_id, ==, "v6plus");
  g_assert_true (portset->rule_known);
  g_assert_false (portset->uncertain);
  g_assert_nonnull (portset->source);
  g_assert_cmpuint (portset->rule.ea_bits, ==, 25);
  g_assert_cmpuint (portset->rule.psid_length, ==, 8);
  g_assert_cmpuint (portset->rule.psid_offset, ==, 4);
  assert_ipv4 (portset, "106.72.18.52");
  g_assert_cmpuint (portset->psid, ==, 86);
  g_assert_cmpuint (portset->port_count, ==, 240);
  g_assert_cmpuint (portset->ports->len, ==, 15);
  assert_range (portset, 0, 5472, 5487);
  assert_range (portset, 14, 62816, 62831);

  /* never 80, 443 or 22 */
  g_assert_false (sesame_portset_contains (portset, 80));
  g_assert_false (sesame_portset_contains (portset, 443));
  g_assert_false (sesame_portset_contains (portset, 22));
  g_assert_true (sesame_portset_contains (portset, 5480));
  g_assert_false (sesame_portset_contains (portset, 5488));

  text = sesame_portset_ports_to_string (portset, 2);
  g_assert_cmpstr (text, ==, "5472-5487, 9568-9583, …");
}

/* Worked by the formulas of the public MAP-E calculators
 * (ipv4.web.fc2.com/map-e.html, github.com/missing233/map-e), which read
 * the hextets directly instead of following RFC 7597's bit arithmetic */
static void
test_published_calculations (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePortset) ocn = NULL;
  g_autoptr(SesamePortset) biglobe = NULL;

  /* OCN (/38, PSID 6, offset 6): c = 64 | (0x1234 & 0x03c0) >> 6,
   * d = (0x1234 & 0x3f) << 2 | (0x5600 & 0xc000) >> 14, PSID = (0x5600 & 0x3f00) >> 8 */
  ocn = sesame_portset_lookup_text ("2400:4050:1234:5600::/56", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ocn->provider_id, ==, "ocn-virtual-connect");
  assert_ipv4 (ocn, "153.240.72.209");
  g_assert_cmpuint (ocn->psid, ==, 22);
  g_assert_cmpuint (ocn->port_count, ==, 1008);
  assert_range (ocn, 0, 1376, 1391);
  assert_range (ocn, 62, 64864, 64879);

  /* BIGLOBE (/31): b = 206 | (0x7a84 & 1), c = 0xab, d = 0xcd, PSID = 0xef */
  biglobe = sesame_portset_lookup_text ("2404:7a84:abcd:ef00::/56", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (biglobe->provider_id, ==, "biglobe-ipv6-option");
  assert_ipv4 (biglobe, "133.206.171.205");
  g_assert_cmpuint (biglobe->psid, ==, 0xef);
  g_assert_cmpuint (biglobe->port_count, ==, 240);
  assert_range (biglobe, 0, 7920, 7935);
  assert_range (biglobe, 14, 65264, 65279);
  g_assert_true (biglobe->uncertain);
}

static void
check_shape (guint psid_offset,
             guint psid_length)
{
  g_autofree guint8 *owner = g_malloc0 (65536);
  guint expected = sesame_map_rule_port_count (psid_offset, psid_length);
  guint first_usable = psid_offset > 0 ? 1u << (16 - psid_offset) : 1024;
  guint m = 16 - psid_offset - psid_length;

  /* (2^a - 1) · 2^m, with the system ports left out */
  if (psid_offset > 0)
    g_assert_cmpuint (expected, ==, ((1u << psid_offset) - 1) << m);

  for (guint psid = 0; psid < (1u << psid_length); psid++)
    {
      g_autoptr(GArray) ports = sesame_map_rule_port_set (psid_offset, psid_length, psid);
      guint count = 0;

      for (guint i = 0; i < ports->len; i++)
        {
          const SesamePortRange *range = &g_array_index (ports, SesamePortRange, i);

          g_assert_cmpuint (range->first, >=, 1024);
          g_assert_cmpuint (range->first, <=, range->last);
          for (guint port = range->first; port <= range->last; port++)
            {
              /* no port in two PSIDs' sets */
              g_assert_cmpuint (owner[port], ==, 0);
              owner[port] = 1;
              count++;
            }
        }

      if (psid_offset > 0)
        g_assert_cmpuint (count, ==, expected);
    }

  /* together the PSIDs hold every port from the first usable one */
  for (guint port = first_usable; port < 65536; port++)
    g_assert_cmpuint (owner[port], ==, 1);
}

/* Every rule Sesame ships: each PSID's set has the right count, no two
 * overlap, none holds a port below 1024 */
static void
test_every_rule (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameTransitionTable) table = sesame_transition_table_load_default (&error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *providers;
  guint rules = 0;
  gboolean seen[17][17] = { { FALSE } };

  g_assert_no_error (error);
  g_assert_nonnull (table);

  bytes = g_resources_lookup_data ("/io/github/opensesame/Sesame/transition/rules.json", 0, &error);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                             g_bytes_get_size (bytes), &error));
  providers = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                            "providers");

  for (guint i = 0; i < json_array_get_length (providers); i++)
    {
      JsonObject *provider = json_array_get_object_element (providers, i);
      JsonArray *array;

      g_assert_true (json_object_has_member (provider, "source"));
      if (!json_object_has_member (provider, "rules"))
        continue;

      array = json_object_get_array_member (provider, "rules");
      for (guint n = 0; n < json_array_get_length (array); n++)
        {
          JsonObject *rule = json_array_get_object_element (array, n);
          g_autofree char *address = NULL;
          g_autoptr(SesamePortset) portset = NULL;
          SesameIpv6Prefix prefix;
          guint a, k;

          /* the rule's own prefix, followed by zero EA bits, is its first
           * CE: the rule's IPv4 prefix itself, PSID 0 */
          g_assert_true (sesame_ipv6_prefix_parse (json_object_get_string_member (rule, "ipv6"), &prefix));
          prefix.length = 64;
          portset = sesame_transition_table_lookup (table, &prefix, &error);
          g_assert_no_error (error);
          g_assert_true (portset->rule_known);
          g_assert_cmpstr (portset->provider_id, ==, json_object_get_string_member (provider, "id"));
          address = sesame_portset_ipv4_to_string (portset);
          g_assert_true (g_str_has_prefix (json_object_get_string_member (rule, "ipv4"), address));
          g_assert_cmpuint (portset->psid, ==, 0);

          a = portset->rule.psid_offset;
          k = portset->rule.psid_length;
          g_assert_cmpuint (portset->port_count, ==, sesame_map_rule_port_count (a, k));
          if (!seen[a][k])
            check_shape (a, k);
          seen[a][k] = TRUE;
          rules++;
        }
    }

  /* v6プラス, OCN, BIGLOBE */
  g_assert_cmpuint (rules, >=, 3);
  check_shape (6, 8);   /* RFC 7597's examples */
  check_shape (0, 4);   /* no offset: the system ports alone are left out */
}

static void
test_ds_lite_and_none (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesamePortset) transix = sesame_portset_lookup_text ("2409:10:abcd:1200::1", &error);
  g_autoptr(SesamePortset) v6connect = NULL;
  g_autoptr(SesamePortset) xpass = NULL;
  g_autoptr(SesamePortset) none = NULL;
  g_autoptr(SesamePortset) unknown_rule = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  g_assert_no_error (error);
  g_assert_cmpint (transix->method, ==, SESAME_TRANSITION_DS_LITE);
  g_assert_cmpstr (transix->provider_id, ==, "transix");
  g_assert_cmpuint (transix->port_count, ==, 0);

  v6connect = sesame_portset_lookup_text ("2405:6581:100::1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (v6connect->provider_id, ==, "v6connect");

  xpass = sesame_portset_lookup_text ("2001:f70:1000::1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (xpass->method, ==, SESAME_TRANSITION_DS_LITE);
  g_assert_true (xpass->uncertain);

  none = sesame_portset_lookup_text ("2001:db8::1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (none->method, ==, SESAME_TRANSITION_NONE);
  node = sesame_portset_to_json_node (none);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "method"), ==, "none");
  g_assert_true (json_object_get_null_member (object, "ipv4"));
  g_assert_cmpint (json_object_get_int_member (object, "port_count"), ==, 0);

  /* BIGLOBE's /38 rules are not in the table: MAP-E, ports unknown */
  unknown_rule = sesame_portset_lookup_text ("2404:7a82:1000:1200::1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (unknown_rule->method, ==, SESAME_TRANSITION_MAP_E);
  g_assert_false (unknown_rule->rule_known);
  g_assert_cmpuint (unknown_rule->ports->len, ==, 0);
}

static void
test_refused_input (void)
{
  const char *not_ipv6[] = {
    "192.168.1.5", "", "240b:10::1%eth0", "240b:10::/129", "240b:10::/056",
    "240b:10::/", "240b:10:: ", "240b:10:::1", "::ffff:192.168.1.5/a", "2001:db8::1/64/64",
  };
  SesameIpv6Prefix prefix;

  for (guint i = 0; i < G_N_ELEMENTS (not_ipv6); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SesamePortset) portset = sesame_portset_lookup_text (not_ipv6[i], &error);

      g_test_message ("%s", not_ipv6[i]);
      g_assert_null (portset);
      g_assert_error (error, SESAME_PORTSET_ERROR, SESAME_PORTSET_ERROR_NOT_IPV6);
      g_assert_false (sesame_ipv6_prefix_parse (not_ipv6[i], &prefix));
    }

  /* a /48 holds only part of the 25 EA bits after a /31 rule */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SesamePortset) portset = sesame_portset_lookup_text ("240b:10:1234::/48", &error);

    g_assert_null (portset);
    g_assert_error (error, SESAME_PORTSET_ERROR, SESAME_PORTSET_ERROR_TOO_SHORT);
    g_assert_nonnull (strstr (error->message, "/56"));
  }

  /* a prefix's host bits are cleared, not refused: people paste their address */
  g_assert_true (sesame_ipv6_prefix_parse ("240b:10:1234:5600::1/56", &prefix));
  {
    g_autofree char *text = sesame_ipv6_prefix_to_string (&prefix);
    g_assert_cmpstr (text, ==, "240b:10:1234:5600::/56");
  }
}

/* The table is data Sesame ships, read defensively all the same */
static void
test_bad_tables (void)
{
#define PROVIDER(rest) \
  "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": \"P\", \"method\": \"map-e\"," \
  " \"prefixes\": [\"2001:db8::/32\"], \"source\": \"s\", " rest "}]}"
  const char *bad[] = {
    "[]",
    "{\"version\": 2, \"providers\": []}",
    "{\"version\": 1}",
    "{\"version\": 1, \"providers\": [1]}",
    PROVIDER ("\"rules\": [{\"ipv6\": \"2001:db8::1/40\", \"ipv4\": \"192.0.2.0/24\"}]"),
    PROVIDER ("\"rules\": [{\"ipv6\": \"2001:db8::/40\", \"ipv4\": \"192.0.2.1/24\"}]"),
    PROVIDER ("\"rules\": [{\"ipv6\": \"2001:db8::/40\", \"ipv4\": \"192.0.2.0\"}]"),
    PROVIDER ("\"rules\": [{\"ipv6\": \"2001:db9::/40\", \"ipv4\": \"192.0.2.0/24\"}]"),
    PROVIDER ("\"psid_length\": 12, \"psid_offset\": 6, \"rules\": [{\"ipv6\": \"2001:db8::/40\", \"ipv4\": \"192.0.2.0/24\"}]"),
    PROVIDER ("\"psid_length\": 8, \"rules\": [{\"ipv6\": \"2001:db8::/48\", \"ipv4\": \"192.0.0.0/16\"}]"),
    PROVIDER ("\"psid_length\": \"8\", \"rules\": []"),
    PROVIDER ("\"psid_length\": -1, \"rules\": []"),
    PROVIDER ("\"uncertain\": 1, \"rules\": []"),
    PROVIDER ("\"rules\": [{\"ipv6\": \"2001:db8::/40\", \"ipv4\": \"192.0.2.0/24\"},"
              " {\"ipv6\": \"2001:db8::/44\", \"ipv4\": \"198.51.100.0/24\"}]"),
    PROVIDER ("\"rules\": {}"),
    "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": \"P\", \"method\": \"ds-lite\","
    " \"prefixes\": [\"2001:db8::/32\"], \"source\": \"s\", \"rules\": []}]}",
    "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": \"P\", \"method\": \"map-t\","
    " \"prefixes\": [\"2001:db8::/32\"], \"source\": \"s\"}]}",
    "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": \"P\", \"method\": \"ds-lite\","
    " \"prefixes\": [\"2001:db8::/32\"]}]}",
    "{\"version\": 1, \"providers\": [{\"id\": \"P\", \"name\": \"P\", \"method\": \"ds-lite\","
    " \"prefixes\": [\"2001:db8::/32\"], \"source\": \"s\"}]}",
    "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": \"P\", \"method\": \"ds-lite\","
    " \"prefixes\": [], \"source\": \"s\"}]}",
    "{\"version\": 1, \"providers\": ["
    "{\"id\": \"p\", \"name\": \"P\", \"method\": \"ds-lite\", \"prefixes\": [\"2001:db8::/32\"], \"source\": \"s\"},"
    "{\"id\": \"q\", \"name\": \"Q\", \"method\": \"ds-lite\", \"prefixes\": [\"2001:db8:1::/48\"], \"source\": \"s\"}]}",
    "{\"version\": 1, \"providers\": [{\"id\": \"p\", \"name\": \"P\\u001b\", \"method\": \"ds-lite\","
    " \"prefixes\": [\"2001:db8::/32\"], \"source\": \"s\"}]}",
    "{\"version\": 1, \"version\": 1, \"providers\": []}",
  };
#undef PROVIDER

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SesameTransitionTable) table = table_from_text (bad[i], &error);

      g_test_message ("%s", bad[i]);
      g_assert_null (table);
      g_assert_nonnull (error);
    }
}

static SesameChecklist *
checklist_for (const char *plan_json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (&error);
  g_autoptr(GBytes) bytes = g_bytes_new (plan_json, strlen (plan_json));
  g_autoptr(SesamePlan) plan = NULL;
  SesameChecklist *checklist;

  g_assert_no_error (error);
  plan = sesame_plan_load_from_bytes (bytes, catalog, &error);
  g_assert_no_error (error);
  checklist = sesame_checklist_new (plan, catalog, "en", &error);
  g_assert_no_error (error);
  return checklist;
}

static const SesameForward *
find_row (SesameChecklist *checklist,
          SesameProtocol   protocol,
          guint            internal)
{
  GPtrArray *forwards = sesame_checklist_get_forwards (checklist);

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      if (forward->protocol == protocol && forward->internal.first == internal)
        return forward;
    }

  g_assert_not_reached ();
}

static const SesameFinding *
find_finding (GPtrArray  *findings,
              const char *id,
              const char *title_part)
{
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, i);

      if (g_str_equal (finding->id, id) && (title_part == NULL || strstr (finding->title, title_part)))
        return finding;
    }

  return NULL;
}

/* MAP-E with the line's prefix: rows outside the set get external ports
 * from it and keep their internal ports, and the checklist says, without
 * any probe result, which address and port to give out */
static void
test_checklist_map_e (void)
{
  g_autoptr(SesameChecklist) checklist = checklist_for (
    "{\"version\": 1, \"router\": {\"id\": \"generic\", \"connection\": \"map-e\","
    " \"ipv6_prefix\": \"240b:10:1234:5600::/56\"},"
    " \"host\": {\"address\": \"192.168.1.5\", \"os\": \"linux-ufw\"}, \"services\": [\"http\"],"
    " \"custom_rules\": [{\"name\": \"Game\", \"protocol\": \"udp\", \"ports\": \"27015-27016\"},"
    " {\"name\": \"Panel\", \"protocol\": \"tcp\", \"ports\": \"5480\"}]}");
  const SesamePortset *portset = sesame_checklist_get_portset (checklist);
  GPtrArray *findings = sesame_checklist_get_findings (checklist);
  const SesameForward *web = find_row (checklist, SESAME_PROTOCOL_TCP, 80);
  const SesameForward *game = find_row (checklist, SESAME_PROTOCOL_UDP, 27015);
  const SesameForward *panel = find_row (checklist, SESAME_PROTOCOL_TCP, 5480);
  const SesameFinding *finding;

  g_assert_nonnull (portset);
  g_assert_cmpuint (portset->psid, ==, 86);

  /* a row already in the set stays; the others move into it */
  g_assert_cmpuint (panel->external.first, ==, 5480);
  g_assert_true (sesame_portset_contains_range (portset, &web->external));
  g_assert_cmpuint (web->external.first, !=, 5480);
  g_assert_cmpuint (web->internal.first, ==, 80);
  g_assert_true (sesame_portset_contains_range (portset, &game->external));
  g_assert_cmpuint (sesame_port_range_count (&game->external), ==, 2);
  g_assert_cmpuint (game->internal.last, ==, 27016);

  g_assert_nonnull (findings);
  g_assert_nonnull (find_finding (findings, "map-e-port-set", "106.72.18.52"));
  {
    g_autofree char *url = g_strdup_printf ("http://106.72.18.52:%u/", web->external.first);
    g_assert_nonnull (find_finding (findings, "map-e-port-remapped", url));
  }

  /* peers use the game's two ports as they are */
  finding = find_finding (findings, "map-e-needs-fixed-port", "27015-27016");
  if (finding == NULL)
    g_assert_not_reached ();
  g_assert_cmpint (finding->works, ==, SESAME_WORKS_NO);
  g_assert_cmpint (sesame_checklist_forward_works (checklist, game, NULL), ==, SESAME_WORKS_NO);
  g_assert_null (find_finding (findings, "map-e-too-many-ports", NULL));
}

static void
test_checklist_map_e_too_many (void)
{
  g_autoptr(SesameChecklist) checklist = checklist_for (
    "{\"version\": 1, \"router\": {\"id\": \"generic\", \"connection\": \"map-e\","
    " \"ipv6_prefix\": \"240b:10:1234:5600::/56\"},"
    " \"host\": {\"address\": \"192.168.1.5\", \"os\": \"linux-ufw\"}, \"services\": [],"
    " \"custom_rules\": [{\"name\": \"Many\", \"protocol\": \"tcp\", \"ports\": \"20000-20299\"}]}");
  const SesameFinding *finding = find_finding (sesame_checklist_get_findings (checklist),
                                               "map-e-too-many-ports", NULL);

  if (finding == NULL)
    g_assert_not_reached ();
  g_assert_cmpint (finding->severity, ==, SESAME_FINDING_SEVERITY_BLOCKER);
  g_assert_nonnull (strstr (finding->title, "300"));
  g_assert_nonnull (strstr (finding->title, "240"));
}

/* DS-Lite: a blocker even without probe results */
static void
test_checklist_ds_lite (void)
{
  g_autoptr(SesameChecklist) checklist = checklist_for (
    "{\"version\": 1, \"router\": {\"id\": \"generic\", \"connection\": \"ds-lite\"},"
    " \"host\": {\"address\": \"192.168.1.5\", \"os\": \"linux-ufw\"}, \"services\": [\"http\"]}");
  const SesameFinding *finding = find_finding (sesame_checklist_get_findings (checklist), "ds-lite", NULL);

  if (finding == NULL)
    g_assert_not_reached ();
  g_assert_cmpint (finding->severity, ==, SESAME_FINDING_SEVERITY_BLOCKER);
  g_assert_cmpint (sesame_checklist_forward_works (checklist, find_row (checklist, SESAME_PROTOCOL_TCP, 80), NULL),
                   ==, SESAME_WORKS_NO);
  g_assert_null (sesame_checklist_get_portset (checklist));
}

/* router.ipv6_prefix: kept on saving, refused with its place when it is not a prefix */
static void
test_plan_field (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (&error);
  const char *bad[] = { "\"192.168.1.1\"", "\"240b:10:1234:5600::1\"", "\"240b:10::/200\"", "56" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"version\": 1, \"router\": {\"id\": \"generic\", \"connection\": \"map-e\", \"ipv6_prefix\": %s},"
        " \"host\": {\"address\": \"192.168.1.5\", \"os\": \"linux-ufw\"}, \"services\": []}", bad[i]);
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
      g_autoptr(GError) plan_error = NULL;
      g_autoptr(SesamePlan) plan = sesame_plan_load_from_bytes (bytes, catalog, &plan_error);

      g_assert_null (plan);
      g_assert_error (plan_error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID);
      g_assert_nonnull (strstr (plan_error->message, "router.ipv6_prefix"));
    }

  {
    const char *json = "{\"version\": 1, \"router\": {\"id\": \"generic\", \"connection\": \"map-e\","
                       " \"ipv6_prefix\": \"240b:10:1234:5600::/56\"},"
                       " \"host\": {\"address\": \"192.168.1.5\", \"os\": \"linux-ufw\"}, \"services\": []}";
    g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
    g_autoptr(SesamePlan) plan = sesame_plan_load_from_bytes (bytes, catalog, &error);
    g_autofree char *saved = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (sesame_plan_get_ipv6_prefix (plan), ==, "240b:10:1234:5600::/56");
    saved = sesame_plan_to_json (plan);
    g_assert_nonnull (strstr (saved, "\"ipv6_prefix\" : \"240b:10:1234:5600::/56\""));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/portset/rfc7597-example", test_rfc7597_example);
  g_test_add_func ("/portset/v6plus-example", test_v6plus_example);
  g_test_add_func ("/portset/published-calculations", test_published_calculations);
  g_test_add_func ("/portset/every-rule", test_every_rule);
  g_test_add_func ("/portset/ds-lite-and-none", test_ds_lite_and_none);
  g_test_add_func ("/portset/refused-input", test_refused_input);
  g_test_add_func ("/portset/bad-tables", test_bad_tables);
  g_test_add_func ("/portset/checklist-map-e", test_checklist_map_e);
  g_test_add_func ("/portset/checklist-map-e-too-many", test_checklist_map_e_too_many);
  g_test_add_func ("/portset/checklist-ds-lite", test_checklist_ds_lite);
  g_test_add_func ("/portset/plan-field", test_plan_field);

  return g_test_run ();
}
