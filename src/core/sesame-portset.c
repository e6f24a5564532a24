/* sesame-portset.c
 *
 * Overview. Three parts, each pure:
 *
 * - IPv6 prefixes: strict text ("ADDRESS" or "ADDRESS/LENGTH", no zone),
 *   containment, bits.
 * - The rule table, data/transition/rules.json in the core GResource: one
 *   entry per provider (its IPv6 blocks, MAP-E or DS-Lite, its source and
 *   whether it is confirmed) and, for MAP-E, its Basic Mapping Rules. It is
 *   data Sesame ships, and still read through the one JSON reader and
 *   checked member by member, so that a wrong rule is refused on loading
 *   rather than giving someone the wrong ports.
 * - RFC 7597 §5: the EA bits follow the rule IPv6 prefix in the address;
 *   their first 32 - r bits end the IPv4 address, the other k bits are the
 *   PSID. A port is A (a bits) · PSID (k bits) · j (m = 16 - a - k bits);
 *   the set with A = 0 (ports 0 to 2^(16-a) - 1, the system ports) is
 *   excluded (§5.1), and with a = 0 the ports below 1024 are left out.
 *
 * Over 1,000 lines: the three parts above share the prefix arithmetic and
 * the rule table's types, and are tested together against the RFC and the
 * providers' calculators.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-portset"

#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-address.h"
#include "sesame-core-enums.h"
#include "sesame-enum.h"
#include "sesame-json.h"
#include "sesame-portset.h"
#include "sesame-resources.h"

#define RULES_VERSION     1
#define RULES_RESOURCE    "/io/github/opensesame/Sesame/transition/rules.json"
#define MAX_SOURCE_LENGTH 1024

G_DEFINE_QUARK (sesame-portset-error-quark, sesame_portset_error)

typedef struct
{
  SesameMapRule  rule;
  char          *source;        /* nullable: the provider's */
  gboolean       uncertain;
} TableRule;

typedef struct
{
  char             *id;
  char             *name;
  SesameTransition  method;
  GArray           *prefixes;   /* element-type SesameIpv6Prefix */
  GArray           *rules;      /* element-type TableRule */
  char             *source;
  gboolean          uncertain;
} Provider;

struct _SesameTransitionTable
{
  GPtrArray *providers;         /* element-type Provider */
};

/* IPv6 prefixes */

static gboolean
get_bit (const guint8 *bytes,
         guint         bit)
{
  return (bytes[bit / 8] >> (7 - bit % 8)) & 1;
}

/* @count bits from @start, at most 64 */
static guint64
get_bits (const guint8 *bytes,
          guint         start,
          guint         count)
{
  guint64 value = 0;

  g_assert (count <= 64 && start + count <= 128);

  for (guint i = 0; i < count; i++)
    value = (value << 1) | get_bit (bytes, start + i);

  return value;
}

static void
clear_host_bits (SesameIpv6Prefix *prefix)
{
  for (guint bit = prefix->length; bit < 128; bit++)
    prefix->bytes[bit / 8] &= ~(1u << (7 - bit % 8));
}

static gboolean
host_bits_clear (const SesameIpv6Prefix *prefix)
{
  for (guint bit = prefix->length; bit < 128; bit++)
    if (get_bit (prefix->bytes, bit))
      return FALSE;

  return TRUE;
}

static gboolean
parse_length (const char *text,
              guint       max,
              guint      *length)
{
  guint value = 0;

  if (*text == '\0' || strlen (text) > 3)
    return FALSE;

  for (const char *p = text; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = value * 10 + (guint)(*p - '0');
    }

  /* "/056" is not how anyone writes a length */
  if (text[0] == '0' && text[1] != '\0')
    return FALSE;

  if (value > max)
    return FALSE;

  *length = value;
  return TRUE;
}

/* As written: the bits past the length are kept, for the caller to check */
static gboolean
parse_prefix_raw (const char       *text,
                  SesameIpv6Prefix *prefix)
{
  g_autofree char *address = NULL;
  const char *slash;
  guint length = 128;

  if (text == NULL || strlen (text) > 64)
    return FALSE;

  slash = strchr (text, '/');
  address = slash ? g_strndup (text, slash - text) : g_strdup (text);

  if (slash && !parse_length (slash + 1, 128, &length))
    return FALSE;

  /* inet_pton takes neither zones ("%eth0") nor spaces; anything else that
   * is not an IPv6 address fails there */
  if (inet_pton (AF_INET6, address, prefix->bytes) != 1)
    return FALSE;

  prefix->length = length;
  return TRUE;
}

/**
 * sesame_ipv6_prefix_parse:
 * @text: "2001:db8:12:3400::/56", or an address alone (length 128)
 * @prefix: (out): the prefix, with the bits past its length cleared
 *
 * Returns: whether @text is an IPv6 address or prefix
 */
gboolean
sesame_ipv6_prefix_parse (const char       *text,
                          SesameIpv6Prefix *prefix)
{
  SesameIpv6Prefix parsed;

  g_return_val_if_fail (prefix != NULL, FALSE);

  if (!parse_prefix_raw (text, &parsed))
    return FALSE;

  clear_host_bits (&parsed);
  *prefix = parsed;
  return TRUE;
}

char *
sesame_ipv6_prefix_to_string (const SesameIpv6Prefix *prefix)
{
  char address[INET6_ADDRSTRLEN];

  g_return_val_if_fail (prefix != NULL, NULL);

  if (inet_ntop (AF_INET6, prefix->bytes, address, sizeof address) == NULL)
    g_return_val_if_reached (NULL);

  return g_strdup_printf ("%s/%u", address, prefix->length);
}

/* Whether every address of @inner is in @outer */
gboolean
sesame_ipv6_prefix_contains (const SesameIpv6Prefix *outer,
                             const SesameIpv6Prefix *inner)
{
  g_return_val_if_fail (outer != NULL && inner != NULL, FALSE);

  if (inner->length < outer->length)
    return FALSE;

  for (guint bit = 0; bit < outer->length; bit++)
    if (get_bit (outer->bytes, bit) != get_bit (inner->bytes, bit))
      return FALSE;

  return TRUE;
}

/* Whether the two share their first @length bits */
static gboolean
same_leading_bits (const SesameIpv6Prefix *a,
                   const SesameIpv6Prefix *b,
                   guint                   length)
{
  for (guint bit = 0; bit < length; bit++)
    if (get_bit (a->bytes, bit) != get_bit (b->bytes, bit))
      return FALSE;

  return TRUE;
}

static gboolean
parse_ipv4_prefix (const char *text,
                   guint32    *address,
                   guint      *length)
{
  g_autofree char *part = NULL;
  const char *slash;
  guint32 mask;

  if (text == NULL || (slash = strchr (text, '/')) == NULL)
    return FALSE;

  part = g_strndup (text, slash - text);
  if (!sesame_ipv4_parse (part, address) || !parse_length (slash + 1, 32, length))
    return FALSE;

  mask = *length == 0 ? 0 : G_MAXUINT32 << (32 - *length);
  return (*address & ~mask) == 0;
}

/* Port sets */

/**
 * sesame_map_rule_port_count:
 *
 * Returns: how many ports each PSID holds with this offset and PSID length
 */
guint
sesame_map_rule_port_count (guint psid_offset,
                            guint psid_length)
{
  g_autoptr(GArray) ports = NULL;
  guint count = 0;

  g_return_val_if_fail (psid_offset + psid_length <= 16, 0);

  ports = sesame_map_rule_port_set (psid_offset, psid_length, 0);
  for (guint i = 0; i < ports->len; i++)
    count += sesame_port_range_count (&g_array_index (ports, SesamePortRange, i));

  return count;
}

/**
 * sesame_map_rule_port_set:
 * @psid_offset: a, the PSID offset
 * @psid_length: k, the PSID length
 * @psid: the PSID, below 2^k
 *
 * The ports of one PSID (RFC 7597 §5.1), ascending, touching ranges merged.
 *
 * Returns: (transfer full) (element-type SesamePortRange): the ranges
 */
GArray *
sesame_map_rule_port_set (guint psid_offset,
                          guint psid_length,
                          guint psid)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (SesamePortRange));
  guint a = psid_offset;
  guint k = psid_length;
  guint m;

  g_return_val_if_fail (a + k <= 16, ranges);
  g_return_val_if_fail (psid < (1u << k), ranges);

  m = 16 - a - k;

  for (guint A = (a > 0 ? 1 : 0); A < (1u << a); A++)
    {
      guint first = (A << (16 - a)) | (psid << m);
      guint last = first + (1u << m) - 1;
      SesamePortRange range;

      /* only with a = 0: the system ports are never in a set */
      if (last < 1024)
        continue;
      if (first < 1024)
        first = 1024;

      range.first = first;
      range.last = last;

      if (ranges->len > 0)
        {
          SesamePortRange *previous = &g_array_index (ranges, SesamePortRange, ranges->len - 1);

          if ((guint)previous->last + 1 == first)
            {
              previous->last = last;
              continue;
            }
        }

      g_array_append_val (ranges, range);
    }

  return ranges;
}

/* The table */

static void
provider_free (gpointer data)
{
  Provider *provider = data;

  g_free (provider->id);
  g_free (provider->name);
  g_clear_pointer (&provider->prefixes, g_array_unref);
  if (provider->rules)
    {
      for (guint i = 0; i < provider->rules->len; i++)
        g_free (g_array_index (provider->rules, TableRule, i).source);
      g_array_unref (provider->rules);
    }
  g_free (provider->source);
  g_free (provider);
}

void
sesame_transition_table_free (SesameTransitionTable *table)
{
  if (table == NULL)
    return;

  g_ptr_array_unref (table->providers);
  g_free (table);
}

static gboolean
invalid (GError     **error,
         const char  *path,
         const char  *reason)
{
  g_set_error (error, SESAME_PORTSET_ERROR, SESAME_PORTSET_ERROR_INVALID,
               "transition rules: %s: %s", path, reason);
  return FALSE;
}

/* A rule's or a provider's IPv6 prefix: exactly as a prefix is written,
 * nothing past its length */
static gboolean
read_ipv6_prefix (JsonNode         *node,
                  const char       *path,
                  SesameIpv6Prefix *prefix,
                  GError          **error)
{
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, path, "must be a string");

  text = json_node_get_string (node);
  if (strchr (text, '/') == NULL || !parse_prefix_raw (text, prefix))
    return invalid (error, path, "is not an IPv6 prefix (ADDRESS/LENGTH)");

  if (!host_bits_clear (prefix))
    return invalid (error, path, "has bits set past its length");

  return TRUE;
}

static gboolean
load_rule (Provider    *provider,
           JsonObject  *object,
           const char  *path,
           guint        psid_length,
           guint        psid_offset,
           GError     **error)
{
  g_autofree char *ipv6_path = g_strdup_printf ("%s.ipv6", path);
  g_autofree char *ipv4_path = g_strdup_printf ("%s.ipv4", path);
  const char *ipv4_text = NULL;
  TableRule rule = { 0 };
  gboolean in_provider = FALSE;

  if (!read_ipv6_prefix (json_object_get_member (object, "ipv6"), ipv6_path, &rule.rule.ipv6, error))
    return FALSE;

  if (!sesame_json_get_string (object, "ipv4", &ipv4_text) ||
      !parse_ipv4_prefix (ipv4_text, &rule.rule.ipv4, &rule.rule.ipv4_length))
    return invalid (error, ipv4_path, "is not an IPv4 prefix (ADDRESS/LENGTH, nothing past the length)");

  rule.rule.psid_length = psid_length;
  rule.rule.psid_offset = psid_offset;
  rule.uncertain = provider->uncertain;
  if (!sesame_json_read_uint (object, "psid_length", path, 16, &rule.rule.psid_length, invalid, error) ||
      !sesame_json_read_uint (object, "psid_offset", path, 16, &rule.rule.psid_offset, invalid, error) ||
      !sesame_json_read_boolean (object, "uncertain", path, &rule.uncertain, invalid, error))
    return FALSE;

  if (rule.rule.psid_length + rule.rule.psid_offset > 16)
    return invalid (error, path, "the PSID length and offset together are longer than a port");

  /* o = p + k, and the EA bits end by the /64 (RFC 7597 §5.2) */
  rule.rule.ea_bits = (32 - rule.rule.ipv4_length) + rule.rule.psid_length;
  if (rule.rule.ipv6.length + rule.rule.ea_bits > 64)
    return invalid (error, path, "the rule IPv6 prefix and the EA bits are longer than 64 bits");

  for (guint i = 0; i < provider->prefixes->len; i++)
    if (sesame_ipv6_prefix_contains (&g_array_index (provider->prefixes, SesameIpv6Prefix, i),
                                     &rule.rule.ipv6))
      in_provider = TRUE;
  if (!in_provider)
    return invalid (error, ipv6_path, "is outside the provider's prefixes");

  for (guint i = 0; i < provider->rules->len; i++)
    {
      const TableRule *other = &g_array_index (provider->rules, TableRule, i);

      if (sesame_ipv6_prefix_contains (&other->rule.ipv6, &rule.rule.ipv6) ||
          sesame_ipv6_prefix_contains (&rule.rule.ipv6, &other->rule.ipv6))
        return invalid (error, ipv6_path, "overlaps another rule");
    }

  if (!sesame_json_read_string (object, "source", path, FALSE, MAX_SOURCE_LENGTH,
                                &rule.source, invalid, error))
    return FALSE;

  g_array_append_val (provider->rules, rule);
  return TRUE;
}

static gboolean
load_provider (SesameTransitionTable *table,
               JsonObject            *object,
               const char            *path,
               GError               **error)
{
  g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func (provider_free);
  g_autofree char *method = NULL;
  Provider *provider = g_new0 (Provider, 1);
  JsonNode *node;
  JsonArray *prefixes;
  guint psid_length = 0;
  guint psid_offset = 6;    /* RFC 7597's default */

  g_ptr_array_add (holder, provider);
  provider->prefixes = g_array_new (FALSE, FALSE, sizeof (SesameIpv6Prefix));
  provider->rules = g_array_new (FALSE, FALSE, sizeof (TableRule));

  if (!sesame_json_read_string (object, "id", path, TRUE, MAX_SOURCE_LENGTH,
                                &provider->id, invalid, error) ||
      !sesame_json_read_string (object, "name", path, TRUE, MAX_SOURCE_LENGTH,
                                &provider->name, invalid, error) ||
      !sesame_json_read_string (object, "method", path, TRUE, MAX_SOURCE_LENGTH,
                                &method, invalid, error) ||
      !sesame_json_read_string (object, "source", path, TRUE, MAX_SOURCE_LENGTH,
                                &provider->source, invalid, error) ||
      !sesame_json_read_boolean (object, "uncertain", path, &provider->uncertain, invalid, error))
    return FALSE;

  if (!sesame_json_is_id (provider->id))
    return invalid (error, path, "the id must be lowercase letters, digits and dashes");

  for (guint i = 0; i < table->providers->len; i++)
    if (g_str_equal (((Provider *)g_ptr_array_index (table->providers, i))->id, provider->id))
      return invalid (error, path, "the id is used twice");

  if (g_str_equal (method, "map-e"))
    provider->method = SESAME_TRANSITION_MAP_E;
  else if (g_str_equal (method, "ds-lite"))
    provider->method = SESAME_TRANSITION_DS_LITE;
  else
    return invalid (error, path, "the method must be map-e or ds-lite");

  node = json_object_get_member (object, "prefixes");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (prefixes = json_node_get_array (node)) == 0)
    return invalid (error, path, "prefixes must be an array of IPv6 prefixes");

  for (guint i = 0; i < json_array_get_length (prefixes); i++)
    {
      g_autofree char *prefix_path = g_strdup_printf ("%s.prefixes[%u]", path, i);
      SesameIpv6Prefix prefix;

      if (!read_ipv6_prefix (json_array_get_element (prefixes, i), prefix_path, &prefix, error))
        return FALSE;

      for (guint j = 0; j < table->providers->len; j++)
        {
          Provider *other = g_ptr_array_index (table->providers, j);

          for (guint n = 0; n < other->prefixes->len; n++)
            {
              const SesameIpv6Prefix *taken = &g_array_index (other->prefixes, SesameIpv6Prefix, n);

              if (sesame_ipv6_prefix_contains (taken, &prefix) ||
                  sesame_ipv6_prefix_contains (&prefix, taken))
                return invalid (error, prefix_path, "overlaps another provider's prefix");
            }
        }

      g_array_append_val (provider->prefixes, prefix);
    }

  node = json_object_get_member (object, "rules");
  if (provider->method == SESAME_TRANSITION_DS_LITE)
    {
      if (node != NULL)
        return invalid (error, path, "a DS-Lite provider has no MAP-E rules");
    }
  else if (node != NULL)
    {
      JsonArray *rules;

      if (!sesame_json_read_uint (object, "psid_length", path, 16, &psid_length, invalid, error) ||
          !sesame_json_read_uint (object, "psid_offset", path, 16, &psid_offset, invalid, error))
        return FALSE;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return invalid (error, path, "rules must be an array");

      rules = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (rules); i++)
        {
          g_autofree char *rule_path = g_strdup_printf ("%s.rules[%u]", path, i);
          JsonNode *rule = json_array_get_element (rules, i);

          if (!JSON_NODE_HOLDS_OBJECT (rule))
            return invalid (error, rule_path, "must be an object");

          if (!load_rule (provider, json_node_get_object (rule), rule_path,
                          psid_length, psid_offset, error))
            return FALSE;
        }
    }

  g_ptr_array_add (table->providers, g_ptr_array_steal_index (holder, 0));
  return TRUE;
}

/**
 * sesame_transition_table_new_from_bytes:
 * @json: the rule table, as data/transition/rules.json
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the table, or %NULL with @error set
 */
SesameTransitionTable *
sesame_transition_table_new_from_bytes (GBytes  *json,
                                        GError **error)
{
  g_autoptr(SesameTransitionTable) table = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *providers;

  g_return_val_if_fail (json != NULL, NULL);

  if (!(root = sesame_json_parse_bytes (json, SESAME_JSON_MAX_SIZE_CATALOG, &local_error)))
    {
      invalid (error, "file", local_error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, "file", "must hold a JSON object");
      return NULL;
    }

  object = json_node_get_object (root);
  if (json_object_get_int_member_with_default (object, "version", 0) != RULES_VERSION)
    {
      invalid (error, "version", "is not supported");
      return NULL;
    }

  providers = json_object_get_member (object, "providers");
  if (providers == NULL || !JSON_NODE_HOLDS_ARRAY (providers))
    {
      invalid (error, "providers", "must be an array");
      return NULL;
    }

  table = g_new0 (SesameTransitionTable, 1);
  table->providers = g_ptr_array_new_with_free_func (provider_free);

  for (guint i = 0; i < json_array_get_length (json_node_get_array (providers)); i++)
    {
      g_autofree char *path = g_strdup_printf ("providers[%u]", i);
      JsonNode *node = json_array_get_element (json_node_get_array (providers), i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          invalid (error, path, "must be an object");
          return NULL;
        }

      if (!load_provider (table, json_node_get_object (node), path, error))
        return NULL;
    }

  return g_steal_pointer (&table);
}

/**
 * sesame_transition_table_load_default:
 *
 * Returns: (transfer full) (nullable): the table built into Sesame
 */
SesameTransitionTable *
sesame_transition_table_load_default (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;

  sesame_resources_ensure ();

  if (!(bytes = g_resources_lookup_data (RULES_RESOURCE, 0, error)))
    return NULL;

  return sesame_transition_table_new_from_bytes (bytes, error);
}

/* Lookups */

static SesamePortset *
portset_new (SesameTransition  method,
             const Provider   *provider)
{
  SesamePortset *portset = g_new0 (SesamePortset, 1);

  portset->method = method;
  portset->ports = g_array_new (FALSE, FALSE, sizeof (SesamePortRange));

  if (provider != NULL)
    {
      portset->provider_id = g_strdup (provider->id);
      portset->provider = g_strdup (provider->name);
      portset->source = g_strdup (provider->source);
      portset->uncertain = provider->uncertain;
    }

  return portset;
}

static void
compute (SesamePortset          *portset,
         const TableRule        *rule,
         const SesameIpv6Prefix *prefix)
{
  const SesameMapRule *r = &rule->rule;
  guint suffix_bits = 32 - r->ipv4_length;
  guint64 ea = get_bits (prefix->bytes, r->ipv6.length, r->ea_bits);
  guint64 suffix = ea >> r->psid_length;

  portset->rule_known = TRUE;
  portset->rule = *r;
  portset->uncertain = rule->uncertain;
  if (rule->source != NULL)
    {
      g_free (portset->source);
      portset->source = g_strdup (rule->source);
    }

  portset->ipv4 = r->ipv4 | (suffix_bits == 0 ? 0 : (guint32)suffix);
  portset->psid = (guint)(ea & ((G_GUINT64_CONSTANT (1) << r->psid_length) - 1));

  g_array_unref (portset->ports);
  portset->ports = sesame_map_rule_port_set (r->psid_offset, r->psid_length, portset->psid);
  portset->port_count = 0;
  for (guint i = 0; i < portset->ports->len; i++)
    portset->port_count += sesame_port_range_count (&g_array_index (portset->ports, SesamePortRange, i));
}

static void
too_short (GError **error,
           guint    length,
           guint    needed)
{
  g_set_error (error, SESAME_PORTSET_ERROR, SESAME_PORTSET_ERROR_TOO_SHORT,
               /* Translators: prefix lengths, e.g. "/48 … /56" */
               _("An IPv6 prefix of /%u is too short to tell the ports: the provider's rule for it needs at least /%u; give the address itself or the prefix the router received"),
               length, needed);
}

/**
 * sesame_transition_table_lookup:
 * @table: the rule table
 * @prefix: a line's IPv6 address or delegated prefix
 * @error: return location for a #GError
 *
 * Finds the provider whose block holds @prefix and, for MAP-E, the rule
 * with the longest IPv6 prefix that holds it, and computes the shared IPv4
 * address, the PSID and the ports. An address in no provider's block is
 * %SESAME_TRANSITION_NONE. A prefix too short to hold the rule's EA bits
 * (a /48 under a rule that needs a /56) is an error: the ports would be a
 * guess.
 *
 * Returns: (transfer full) (nullable): what the address says
 */
SesamePortset *
sesame_transition_table_lookup (SesameTransitionTable  *table,
                                const SesameIpv6Prefix *prefix,
                                GError                **error)
{
  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (prefix != NULL, NULL);

  for (guint i = 0; i < table->providers->len; i++)
    {
      const Provider *provider = g_ptr_array_index (table->providers, i);
      g_autoptr(SesamePortset) portset = NULL;
      const TableRule *best = NULL;
      gboolean inside = FALSE;

      for (guint n = 0; n < provider->prefixes->len; n++)
        if (sesame_ipv6_prefix_contains (&g_array_index (provider->prefixes, SesameIpv6Prefix, n), prefix))
          inside = TRUE;

      if (!inside)
        continue;

      portset = portset_new (provider->method, provider);
      if (provider->method != SESAME_TRANSITION_MAP_E)
        return g_steal_pointer (&portset);

      for (guint n = 0; n < provider->rules->len; n++)
        {
          const TableRule *rule = &g_array_index (provider->rules, TableRule, n);

          if (rule->rule.ipv6.length > prefix->length)
            {
              /* the prefix is shorter than a rule that may hold it */
              if (same_leading_bits (&rule->rule.ipv6, prefix, prefix->length))
                {
                  too_short (error, prefix->length, rule->rule.ipv6.length + rule->rule.ea_bits);
                  return NULL;
                }
              continue;
            }

          if (sesame_ipv6_prefix_contains (&rule->rule.ipv6, prefix) &&
              (best == NULL || rule->rule.ipv6.length > best->rule.ipv6.length))
            best = rule;
        }

      if (best == NULL)
        return g_steal_pointer (&portset);

      if (prefix->length < best->rule.ipv6.length + best->rule.ea_bits)
        {
          too_short (error, prefix->length, best->rule.ipv6.length + best->rule.ea_bits);
          return NULL;
        }

      compute (portset, best, prefix);
      return g_steal_pointer (&portset);
    }

  return portset_new (SESAME_TRANSITION_NONE, NULL);
}

/**
 * sesame_portset_lookup_text:
 * @text: an IPv6 address or "ADDRESS/LENGTH", as a person or a plan gives it
 * @error: return location for a #GError
 *
 * The lookup in the table built into Sesame.
 *
 * Returns: (transfer full) (nullable): what the address says
 */
SesamePortset *
sesame_portset_lookup_text (const char  *text,
                            GError     **error)
{
  g_autoptr(SesameTransitionTable) table = NULL;
  SesameIpv6Prefix prefix;

  if (!sesame_ipv6_prefix_parse (text, &prefix))
    {
      g_set_error (error, SESAME_PORTSET_ERROR, SESAME_PORTSET_ERROR_NOT_IPV6,
                   /* Translators: %s is what was given, e.g. “192.168.1.5” */
                   _("“%s” is not an IPv6 address or prefix (such as 240b:10:1234:5600::1 or 240b:10:1234:5600::/56)"),
                   text ? text : "");
      return NULL;
    }

  if (!(table = sesame_transition_table_load_default (error)))
    return NULL;

  return sesame_transition_table_lookup (table, &prefix, error);
}

void
sesame_portset_free (SesamePortset *portset)
{
  if (portset == NULL)
    return;

  g_free (portset->provider_id);
  g_free (portset->provider);
  g_free (portset->source);
  g_clear_pointer (&portset->ports, g_array_unref);
  g_free (portset);
}

gboolean
sesame_portset_contains (const SesamePortset *portset,
                         guint16              port)
{
  g_return_val_if_fail (portset != NULL, FALSE);

  for (guint i = 0; i < portset->ports->len; i++)
    {
      const SesamePortRange *range = &g_array_index (portset->ports, SesamePortRange, i);

      if (port >= range->first && port <= range->last)
        return TRUE;
    }

  return FALSE;
}

/* Whether every port of @range is in the set */
gboolean
sesame_portset_contains_range (const SesamePortset   *portset,
                               const SesamePortRange *range)
{
  g_return_val_if_fail (portset != NULL && range != NULL, FALSE);

  for (guint i = 0; i < portset->ports->len; i++)
    {
      const SesamePortRange *set = &g_array_index (portset->ports, SesamePortRange, i);

      if (range->first >= set->first && range->last <= set->last)
        return TRUE;
    }

  return FALSE;
}

char *
sesame_portset_ipv4_to_string (const SesamePortset *portset)
{
  g_return_val_if_fail (portset != NULL, NULL);

  return portset->rule_known ? sesame_ipv4_to_string (portset->ipv4) : NULL;
}

/**
 * sesame_portset_ports_to_string:
 * @max_ranges: how many ranges to name; 0 for all
 *
 * Returns: (transfer full): "5472-5487, 9568-9583, …"
 */
char *
sesame_portset_ports_to_string (const SesamePortset *portset,
                                guint                max_ranges)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (portset != NULL, NULL);

  for (guint i = 0; i < portset->ports->len; i++)
    {
      g_autofree char *range = NULL;

      if (max_ranges > 0 && i == max_ranges)
        {
          g_string_append (text, ", …");
          break;
        }

      range = sesame_port_range_to_string (&g_array_index (portset->ports, SesamePortRange, i));
      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", range);
    }

  return g_string_free (text, FALSE);
}

SESAME_DEFINE_ENUM_STRINGS (SesameTransition, sesame_transition, SESAME_TYPE_TRANSITION)

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *member,
                     const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * sesame_portset_to_json_node:
 *
 * `{"method", "provider", "provider_id", "ipv4", "psid", "port_count",
 * "ports": ["5472-5487", …], "source", "uncertain", "rule_known", "rule"}`;
 * what is not known is null.
 *
 * Returns: (transfer full): the object
 */
JsonNode *
sesame_portset_to_json_node (const SesamePortset *portset)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *ipv4 = NULL;

  g_return_val_if_fail (portset != NULL, NULL);

  ipv4 = sesame_portset_ipv4_to_string (portset);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, sesame_transition_to_string (portset->method));
  add_nullable_string (builder, "provider", portset->provider);
  add_nullable_string (builder, "provider_id", portset->provider_id);
  add_nullable_string (builder, "ipv4", ipv4);
  json_builder_set_member_name (builder, "psid");
  if (portset->rule_known)
    json_builder_add_int_value (builder, portset->psid);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "port_count");
  json_builder_add_int_value (builder, portset->port_count);
  json_builder_set_member_name (builder, "ports");
  json_builder_begin_array (builder);
  for (guint i = 0; i < portset->ports->len; i++)
    {
      g_autofree char *range = sesame_port_range_to_string (&g_array_index (portset->ports, SesamePortRange, i));
      json_builder_add_string_value (builder, range);
    }
  json_builder_end_array (builder);
  add_nullable_string (builder, "source", portset->source);
  json_builder_set_member_name (builder, "uncertain");
  json_builder_add_boolean_value (builder, portset->uncertain);
  json_builder_set_member_name (builder, "rule_known");
  json_builder_add_boolean_value (builder, portset->rule_known);
  json_builder_set_member_name (builder, "rule");
  if (portset->rule_known)
    {
      g_autofree char *ipv6 = sesame_ipv6_prefix_to_string (&portset->rule.ipv6);
      g_autofree char *rule_ipv4 = sesame_ipv4_to_string (portset->rule.ipv4);
      g_autofree char *ipv4_prefix = g_strdup_printf ("%s/%u", rule_ipv4, portset->rule.ipv4_length);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "ipv6_prefix");
      json_builder_add_string_value (builder, ipv6);
      json_builder_set_member_name (builder, "ipv4_prefix");
      json_builder_add_string_value (builder, ipv4_prefix);
      json_builder_set_member_name (builder, "ea_bits");
      json_builder_add_int_value (builder, portset->rule.ea_bits);
      json_builder_set_member_name (builder, "psid_length");
      json_builder_add_int_value (builder, portset->rule.psid_length);
      json_builder_set_member_name (builder, "psid_offset");
      json_builder_add_int_value (builder, portset->rule.psid_offset);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
