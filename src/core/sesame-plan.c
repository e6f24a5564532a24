/* sesame-plan.c
 *
 * SesamePlan, the person's answers: router, connection, host, services,
 * custom rules and report language, with a signal for every change.
 * Loading reads untrusted JSON through the one JSON reader and collects
 * every problem with its JSON path (a wrong type, a bad address, a control
 * character anywhere, a version newer than this Sesame); saving writes the
 * members in the file's own order, so that saving twice gives the same
 * file.
 *
 * It stays one file because the setters, the loader and the writer
 * are the three sides of one versioned format: a field is added in all
 * three at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-plan"

#include "config.h"

#include <string.h>

#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sesame-address.h"
#include "sesame-core-enums.h"
#include "sesame-enum.h"
#include "sesame-file.h"
#include "sesame-json.h"
#include "sesame-plan.h"
#include "sesame-portset.h"
#include "sesame-translation.h"

#define MAX_SERVICES     512
#define MAX_CUSTOM_RULES 256

struct _SesamePlan
{
  GObject           parent_instance;

  char             *router_id;
  char             *router_address;   /* nullable */
  SesameConnection  connection;
  char             *ipv6_prefix;      /* nullable: "ADDRESS/LENGTH" of the line, for MAP-E */
  char             *host_name;        /* nullable */
  char             *host_address;
  SesameHostOs      host_os;
  GPtrArray        *services;         /* element-type utf8, NULL-terminated */
  GPtrArray        *custom_rules;     /* element-type SesameCustomRule */
  char             *language;         /* nullable */

  /* What was loaded, so that fields this version does not know are kept on save */
  JsonObject       *loaded;           /* nullable */
  GPtrArray        *loaded_rules;     /* nullable, element-type JsonObject, parallel to custom_rules */
};

enum {
  PROP_0,
  PROP_ROUTER_ID,
  PROP_ROUTER_ADDRESS,
  PROP_CONNECTION,
  PROP_IPV6_PREFIX,
  PROP_HOST_NAME,
  PROP_HOST_ADDRESS,
  PROP_HOST_OS,
  PROP_LANGUAGE,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SesamePlan, sesame_plan, G_TYPE_OBJECT)
G_DEFINE_QUARK (sesame-plan-error-quark, sesame_plan_error)

SESAME_DEFINE_ENUM_STRINGS (SesameConnection, sesame_connection, SESAME_TYPE_CONNECTION)
SESAME_DEFINE_ENUM_STRINGS (SesameHostOs, sesame_host_os, SESAME_TYPE_HOST_OS)
SESAME_DEFINE_ENUM_STRINGS (SesameRuleProtocol, sesame_rule_protocol, SESAME_TYPE_RULE_PROTOCOL)

static void
custom_rule_free (gpointer data)
{
  SesameCustomRule *rule = data;

  g_free (rule->name);
  g_free (rule);
}

static SesameCustomRule *
custom_rule_copy (const SesameCustomRule *rule)
{
  SesameCustomRule *copy = g_memdup2 (rule, sizeof *rule);

  copy->name = g_strdup (rule->name);
  return copy;
}

static void
sesame_plan_changed (SesamePlan *self,
                     GParamSpec *pspec)
{
  if (pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspec);
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
sesame_plan_finalize (GObject *object)
{
  SesamePlan *self = (SesamePlan *)object;

  g_clear_pointer (&self->router_id, g_free);
  g_clear_pointer (&self->router_address, g_free);
  g_clear_pointer (&self->ipv6_prefix, g_free);
  g_clear_pointer (&self->host_name, g_free);
  g_clear_pointer (&self->host_address, g_free);
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->custom_rules, g_ptr_array_unref);
  g_clear_pointer (&self->loaded, json_object_unref);
  g_clear_pointer (&self->loaded_rules, g_ptr_array_unref);

  G_OBJECT_CLASS (sesame_plan_parent_class)->finalize (object);
}

static void
sesame_plan_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SesamePlan *self = SESAME_PLAN (object);

  switch (prop_id)
    {
    case PROP_ROUTER_ID:
      g_value_set_string (value, self->router_id);
      break;
    case PROP_ROUTER_ADDRESS:
      g_value_set_string (value, self->router_address);
      break;
    case PROP_CONNECTION:
      g_value_set_uint (value, self->connection);
      break;
    case PROP_IPV6_PREFIX:
      g_value_set_string (value, self->ipv6_prefix);
      break;
    case PROP_HOST_NAME:
      g_value_set_string (value, self->host_name);
      break;
    case PROP_HOST_ADDRESS:
      g_value_set_string (value, self->host_address);
      break;
    case PROP_HOST_OS:
      g_value_set_uint (value, self->host_os);
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_plan_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SesamePlan *self = SESAME_PLAN (object);

  switch (prop_id)
    {
    case PROP_ROUTER_ID:
      sesame_plan_set_router_id (self, g_value_get_string (value));
      break;
    case PROP_ROUTER_ADDRESS:
      sesame_plan_set_router_address (self, g_value_get_string (value));
      break;
    case PROP_CONNECTION:
      sesame_plan_set_connection (self, g_value_get_uint (value));
      break;
    case PROP_IPV6_PREFIX:
      sesame_plan_set_ipv6_prefix (self, g_value_get_string (value));
      break;
    case PROP_HOST_NAME:
      sesame_plan_set_host_name (self, g_value_get_string (value));
      break;
    case PROP_HOST_ADDRESS:
      sesame_plan_set_host_address (self, g_value_get_string (value));
      break;
    case PROP_HOST_OS:
      sesame_plan_set_host_os (self, g_value_get_uint (value));
      break;
    case PROP_LANGUAGE:
      sesame_plan_set_language (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_plan_class_init (SesamePlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sesame_plan_finalize;
  object_class->get_property = sesame_plan_get_property;
  object_class->set_property = sesame_plan_set_property;

  properties[PROP_ROUTER_ID] =
    g_param_spec_string ("router-id", NULL, NULL, "generic",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROUTER_ADDRESS] =
    g_param_spec_string ("router-address", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION] =
    g_param_spec_uint ("connection", NULL, NULL,
                       SESAME_CONNECTION_UNKNOWN, SESAME_CONNECTION_DS_LITE, SESAME_CONNECTION_UNKNOWN,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IPV6_PREFIX] =
    g_param_spec_string ("ipv6-prefix", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOST_NAME] =
    g_param_spec_string ("host-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOST_ADDRESS] =
    g_param_spec_string ("host-address", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HOST_OS] =
    g_param_spec_uint ("host-os", NULL, NULL,
                       SESAME_HOST_OS_MACOS, SESAME_HOST_OS_WINDOWS, SESAME_HOST_OS_LINUX_UFW,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SesamePlan::changed:
   *
   * Emitted after any answer changed, including services and custom rules.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sesame_plan_init (SesamePlan *self)
{
  self->router_id = g_strdup ("generic");
  self->host_os = SESAME_HOST_OS_LINUX_UFW;
  self->services = g_ptr_array_new_null_terminated (8, g_free, TRUE);
  self->custom_rules = g_ptr_array_new_with_free_func (custom_rule_free);
}

SesamePlan *
sesame_plan_new (void)
{
  return g_object_new (SESAME_TYPE_PLAN, NULL);
}

/* Loading: every problem is collected with its JSON path, so that a person
 * sees all of them at once. */

typedef struct
{
  GPtrArray     *problems;
  SesameCatalog *catalog;    /* nullable: only when loading */
} Loader;

G_GNUC_PRINTF (3, 4)
static void
problem (Loader     *loader,
         const char *path,
         const char *format,
         ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (loader->problems, g_strdup_printf ("%s: %s", path, reason));
}

/* Quote what the person wrote, shortened and without control characters. */
static char *
quote_value (const char *value)
{
  GString *str = g_string_new (NULL);
  guint n = 0;

  for (const char *p = value; *p && n < 40; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (str, '?');
      else
        g_string_append_unichar (str, c);
    }

  if (*value && g_utf8_strlen (value, -1) > 40)
    g_string_append (str, "…");

  return g_string_free (str, FALSE);
}

/* The first control character of @value (C0, DEL or C1), or 0: such
 * characters move a terminal's cursor or recolour it, cut a line in two, or
 * end a C string early, and have no place in anything a person names. */
static gunichar
control_character (const char *value)
{
  for (const char *p = value; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        return c;
    }

  return 0;
}

static void
control_character_problem (Loader     *loader,
                           const char *path,
                           gunichar    c)
{
  /* Translators: U+001B is the character's code; "host.name: contains a control character (U+001B) …" */
  problem (loader, path, _("contains a control character (U+%04X), such as a line break or a terminal code; remove it"),
           (guint) c);
}

/* Every string of the file, known fields or not, member names too: each
 * one with a control character is a problem at its own path. */
static void
find_control_characters (Loader     *loader,
                         JsonNode   *node,
                         const char *path)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *value;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &value))
          {
            g_autofree char *quoted = quote_value (name);
            g_autofree char *member = *path ? g_strdup_printf ("%s.%s", path, quoted) : g_strdup (quoted);
            gunichar c = control_character (name);

            if (c != 0)
              control_character_problem (loader, member, c);
            else
              find_control_characters (loader, value, member);
          }
        break;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            g_autofree char *element = g_strdup_printf ("%s[%u]", path, i);

            find_control_characters (loader, json_array_get_element (array, i), element);
          }
        break;
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          gunichar c = control_character (json_node_get_string (node));

          if (c != 0)
            control_character_problem (loader, path, c);
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

/* A string with a control character reads as absent: find_control_characters()
 * has said what is wrong with it already. */
static const char *
read_optional_string (Loader     *loader,
                      JsonObject *object,
                      const char *member,
                      const char *path)
{
  const char *value = NULL;

  if (!sesame_json_get_string (object, member, &value))
    {
      /* Translators: the member of a plan file holds a number or a list instead of text */
      problem (loader, path, _("must be text"));
      return NULL;
    }

  if (value != NULL && control_character (value) != 0)
    return NULL;

  return value;
}

/* The member holds a string with a control character (reported already) */
static gboolean
holds_control_character (JsonObject *object,
                         const char *member)
{
  const char *value = NULL;

  return sesame_json_get_string (object, member, &value) && value != NULL &&
         control_character (value) != 0;
}

static JsonObject *
read_object (Loader     *loader,
             JsonObject *parent,
             const char *member)
{
  JsonNode *node = json_object_get_member (parent, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      problem (loader, member, _("is missing"));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      problem (loader, member, _("must be an object"));
      return NULL;
    }

  return json_node_get_object (node);
}

/* The line's IPv6 prefix, as the router received it: "ADDRESS/LENGTH" */
static gboolean
check_ipv6_prefix (Loader     *loader,
                   const char *path,
                   const char *value)
{
  SesameIpv6Prefix prefix;

  if (strchr (value, '/') != NULL && sesame_ipv6_prefix_parse (value, &prefix))
    return TRUE;

  {
    g_autofree char *quoted = quote_value (value);
    problem (loader, path,
             /* Translators: %s is the value found in the plan */
             _("“%s” is not an IPv6 prefix; write it as ADDRESS/LENGTH, such as 240b:10:1234:5600::/56"),
             quoted);
  }
  return FALSE;
}

static void
check_ipv4 (Loader     *loader,
            const char *path,
            const char *value)
{
  g_autofree char *quoted = NULL;
  guint32 address;

  if (sesame_ipv4_parse (value, &address))
    {
      switch (sesame_ipv4_classify (address))
        {
        case SESAME_IPV4_LOOPBACK:
          problem (loader, path,
                   _("“%s” is a loopback address; use the address on your home network, such as 192.168.11.5"),
                   value);
          break;
        case SESAME_IPV4_UNSPECIFIED:
        case SESAME_IPV4_MULTICAST:
        case SESAME_IPV4_RESERVED:
          problem (loader, path, _("“%s” cannot be the address of a computer"), value);
          break;
        case SESAME_IPV4_PUBLIC:
        case SESAME_IPV4_PRIVATE:
        case SESAME_IPV4_SHARED:
        case SESAME_IPV4_LINK_LOCAL:
        default:
          break;
        }
      return;
    }

  quoted = quote_value (value);
  problem (loader, path, _("“%s” is not an IPv4 address (four numbers from 0 to 255, such as 192.168.11.5)"),
           quoted);
}

gboolean
sesame_custom_rule_check_name (const char  *name,
                               GError     **error)
{
  const char *p;
  gboolean blank = TRUE;

  for (p = name; p != NULL && *p; p++)
    if (!g_ascii_isspace (*p))
      blank = FALSE;

  if (blank)
    {
      g_set_error_literal (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID,
                           _("give the rule a name, such as “Game server”"));
      return FALSE;
    }

  if (g_utf8_strlen (name, -1) > SESAME_PLAN_MAX_NAME_LENGTH)
    {
      g_set_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID,
                   _("the name is longer than %d characters"), SESAME_PLAN_MAX_NAME_LENGTH);
      return FALSE;
    }

  for (p = name; *p; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error_literal (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID,
                               _("the name must not hold line breaks or control characters"));
          return FALSE;
        }
    }

  return TRUE;
}

static void
load_router (SesamePlan *self,
             Loader     *loader,
             JsonObject *root)
{
  JsonObject *router = read_object (loader, root, "router");
  const char *value;

  if (router == NULL)
    return;

  value = read_optional_string (loader, router, "id", "router.id");
  if (value == NULL)
    {
      if (json_object_has_member (router, "id") == FALSE)
        problem (loader, "router.id", _("is missing; use “generic” if the router is not in the list"));
    }
  else
    set_string (&self->router_id, value);

  value = read_optional_string (loader, router, "lan_address", "router.lan_address");
  if (value != NULL)
    {
      check_ipv4 (loader, "router.lan_address", value);
      set_string (&self->router_address, value);
    }

  value = read_optional_string (loader, router, "connection", "router.connection");
  if (value != NULL && !sesame_connection_from_string (value, &self->connection))
    {
      g_autofree char *quoted = quote_value (value);
      problem (loader, "router.connection",
               _("“%s” is not a connection type; use one of: pppoe, dhcp, static, map-e, ds-lite, unknown"),
               quoted);
    }

  value = read_optional_string (loader, router, "ipv6_prefix", "router.ipv6_prefix");
  if (value != NULL)
    {
      if (check_ipv6_prefix (loader, "router.ipv6_prefix", value))
        set_string (&self->ipv6_prefix, value);
    }
}

static void
load_host (SesamePlan *self,
           Loader     *loader,
           JsonObject *root)
{
  JsonObject *host = read_object (loader, root, "host");
  const char *value;

  if (host == NULL)
    return;

  value = read_optional_string (loader, host, "name", "host.name");
  if (value != NULL)
    {
      if (g_utf8_strlen (value, -1) > SESAME_PLAN_MAX_NAME_LENGTH)
        problem (loader, "host.name", _("is longer than %d characters"), SESAME_PLAN_MAX_NAME_LENGTH);
      else
        set_string (&self->host_name, value);
    }

  value = read_optional_string (loader, host, "address", "host.address");
  if (value == NULL)
    {
      if (!json_object_has_member (host, "address"))
        problem (loader, "host.address", _("is missing: the home-network address of the computer that serves"));
    }
  else
    {
      check_ipv4 (loader, "host.address", value);
      set_string (&self->host_address, value);
    }

  value = read_optional_string (loader, host, "os", "host.os");
  if (value == NULL)
    {
      if (!json_object_has_member (host, "os"))
        problem (loader, "host.os", _("is missing; use one of: macos, linux-ufw, linux-firewalld, linux-nftables, windows"));
    }
  else if (!sesame_host_os_from_string (value, &self->host_os))
    {
      g_autofree char *quoted = quote_value (value);
      problem (loader, "host.os",
               _("“%s” is not a known system; use one of: macos, linux-ufw, linux-firewalld, linux-nftables, windows"),
               quoted);
    }
}

static void
load_services (SesamePlan *self,
               Loader     *loader,
               JsonObject *root)
{
  JsonNode *node = json_object_get_member (root, "services");
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      problem (loader, "services", _("must be a list of service ids, such as [\"http\", \"ssh\"]"));
      return;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_SERVICES)
    {
      problem (loader, "services", _("has more than %d entries"), MAX_SERVICES);
      return;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("services[%u]", i);
      JsonNode *element = json_array_get_element (array, i);
      const char *id;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          problem (loader, path, _("must be a service id, such as “ssh”"));
          continue;
        }

      id = json_node_get_string (element);
      if (control_character (id) != 0)
        continue;

      if (sesame_plan_has_service (self, id))
        {
          g_autofree char *quoted = quote_value (id);
          problem (loader, path, _("“%s” is listed twice"), quoted);
          continue;
        }

      if (sesame_catalog_lookup_service (loader->catalog, id) == NULL)
        {
          g_autofree char *quoted = quote_value (id);
          problem (loader, path, _("“%s” is not a service Sesame knows; add its ports as a custom rule instead"),
                   quoted);
          continue;
        }

      g_ptr_array_add (self->services, g_strdup (id));
    }
}

static void
load_custom_rule (SesamePlan *self,
                  Loader     *loader,
                  JsonObject *object,
                  const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name_path = g_strdup_printf ("%s.name", path);
  g_autofree char *protocol_path = g_strdup_printf ("%s.protocol", path);
  g_autofree char *ports_path = g_strdup_printf ("%s.ports", path);
  g_autofree char *internal_path = g_strdup_printf ("%s.internal_ports", path);
  SesameCustomRule rule = { 0 };
  const char *name;
  const char *protocol;
  const char *ports;
  const char *internal;
  gboolean ok = TRUE;

  name = read_optional_string (loader, object, "name", name_path);
  if (holds_control_character (object, "name"))
    ok = FALSE;
  else if (!sesame_custom_rule_check_name (name, &error))
    {
      problem (loader, name_path, "%s", error->message);
      g_clear_error (&error);
      ok = FALSE;
    }

  protocol = read_optional_string (loader, object, "protocol", protocol_path);
  if (holds_control_character (object, "protocol"))
    ok = FALSE;
  else if (!sesame_rule_protocol_from_string (protocol, &rule.protocol))
    {
      g_autofree char *quoted = quote_value (protocol ? protocol : "");
      problem (loader, protocol_path, _("“%s” is not a protocol; use tcp, udp or both"), quoted);
      ok = FALSE;
    }

  ports = read_optional_string (loader, object, "ports", ports_path);
  if (holds_control_character (object, "ports"))
    ok = FALSE;
  else if (!sesame_port_range_parse (ports, &rule.external, &error))
    {
      g_autofree char *quoted = quote_value (ports ? ports : "");
      problem (loader, ports_path, _("“%s”: %s"), quoted, error->message);
      g_clear_error (&error);
      ok = FALSE;
    }

  internal = read_optional_string (loader, object, "internal_ports", internal_path);
  if (holds_control_character (object, "internal_ports"))
    ok = FALSE;
  else if (internal == NULL)
    rule.internal = rule.external;
  else if (!sesame_port_range_parse (internal, &rule.internal, &error))
    {
      g_autofree char *quoted = quote_value (internal);
      problem (loader, internal_path, _("“%s”: %s"), quoted, error->message);
      ok = FALSE;
    }
  else if (ok && sesame_port_range_count (&rule.internal) != sesame_port_range_count (&rule.external))
    {
      problem (loader, internal_path, _("must span as many ports as “ports”"));
      ok = FALSE;
    }

  if (ok)
    {
      rule.name = g_strstrip (g_strdup (name));
      g_ptr_array_add (self->custom_rules, g_memdup2 (&rule, sizeof rule));
      g_ptr_array_add (self->loaded_rules, json_object_ref (object));
    }
}

static void
load_custom_rules (SesamePlan *self,
                   Loader     *loader,
                   JsonObject *root)
{
  JsonNode *node = json_object_get_member (root, "custom_rules");
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      problem (loader, "custom_rules", _("must be a list of rules"));
      return;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_CUSTOM_RULES)
    {
      problem (loader, "custom_rules", _("has more than %d entries"), MAX_CUSTOM_RULES);
      return;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("custom_rules[%u]", i);
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_OBJECT (element))
        problem (loader, path, _("must be an object with name, protocol and ports"));
      else
        load_custom_rule (self, loader, json_node_get_object (element), path);
    }
}

static void
add_catalog_problems (SesamePlan    *self,
                      Loader        *loader,
                      SesameCatalog *catalog)
{
  g_autoptr(GPtrArray) problems = sesame_plan_validate (self, catalog);

  for (guint i = 0; i < problems->len; i++)
    {
      const char *text = g_ptr_array_index (problems, i);

      /* The loader already reported what it could not read */
      if (!g_ptr_array_find_with_equal_func (loader->problems, text, g_str_equal, NULL))
        g_ptr_array_add (loader->problems, g_strdup (text));
    }
}

/**
 * sesame_plan_load_from_bytes:
 * @bytes: the contents of a plan file, untrusted
 * @catalog: the catalog the plan refers to
 * @error: return location for a #GError
 *
 * Reads and checks a plan. On %SESAME_PLAN_ERROR_INVALID the message holds
 * one line per problem, each "json.path: reason". Malformed, binary, huge
 * or deeply nested data gives %SESAME_PLAN_ERROR_UNREADABLE.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
SesamePlan *
sesame_plan_load_from_bytes (GBytes         *bytes,
                             SesameCatalog  *catalog,
                             GError        **error)
{
  g_autoptr(SesamePlan) self = NULL;
  g_autoptr(GPtrArray) problems = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root_node = NULL;
  Loader loader = { problems, catalog };
  JsonObject *root;
  JsonNode *version;
  const char *language;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (SESAME_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(root_node = sesame_json_parse_bytes (bytes, SESAME_JSON_MAX_SIZE_PLAN, &local_error)))
    {
      g_set_error_literal (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE,
                           local_error->message);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error_literal (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE,
                           _("this is not a Sesame plan: it must be a JSON object with “version”, “router”, “host” and “services”"));
      return NULL;
    }

  root = json_node_get_object (root_node);
  version = json_object_get_member (root, "version");

  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      json_node_get_value_type (version) != G_TYPE_INT64)
    {
      g_set_error_literal (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID,
                           _("version: is missing or not a whole number; this version of Sesame reads plan version 1"));
      return NULL;
    }

  if (json_node_get_int (version) > SESAME_PLAN_VERSION)
    {
      g_set_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_NEWER,
                   _("version: this plan was made by a newer Sesame (plan version %lld); this version reads plan version %d, please update Sesame"),
                   (long long) json_node_get_int (version), SESAME_PLAN_VERSION);
      return NULL;
    }

  if (json_node_get_int (version) < 1)
    {
      g_set_error_literal (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID,
                           _("version: must be 1"));
      return NULL;
    }

  find_control_characters (&loader, root_node, "");

  self = sesame_plan_new ();
  self->loaded = json_object_ref (root);
  self->loaded_rules = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  load_router (self, &loader, root);
  load_host (self, &loader, root);
  load_services (self, &loader, root);
  load_custom_rules (self, &loader, root);

  language = read_optional_string (&loader, root, "language", "language");
  if (language != NULL)
    {
      if (sesame_translation_is_supported (language))
        set_string (&self->language, language);
      else
        {
          g_autofree char *quoted = quote_value (language);
          problem (&loader, "language", _("“%s” is not a report language; use en or ja"), quoted);
        }
    }

  add_catalog_problems (self, &loader, catalog);

  if (problems->len > 0)
    {
      g_autofree char *message = g_strjoinv ("\n", (char **)problems->pdata);

      g_set_error_literal (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID, message);
      return NULL;
    }

  return g_steal_pointer (&self);
}

SesamePlan *
sesame_plan_load_from_file (const char     *path,
                            SesameCatalog  *catalog,
                            GError        **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  /* A regular file, within the size limit, read without blocking */
  if (!(bytes = sesame_file_read (path, SESAME_JSON_MAX_SIZE_PLAN, &local_error)))
    {
      g_set_error_literal (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_UNREADABLE,
                           local_error->message);
      return NULL;
    }

  return sesame_plan_load_from_bytes (bytes, catalog, error);
}

/**
 * sesame_plan_validate:
 * @self: a plan
 * @catalog: the catalog
 *
 * Checks what loading alone cannot: that the router and services exist in
 * the catalog and that the addresses make sense together.
 *
 * Returns: (transfer full) (element-type utf8): "path: reason" problems; empty when valid
 */
GPtrArray *
sesame_plan_validate (SesamePlan    *self,
                      SesameCatalog *catalog)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  Loader loader = { problems, NULL };
  guint32 host = 0;
  guint32 router = 0;

  g_return_val_if_fail (SESAME_IS_PLAN (self), NULL);
  g_return_val_if_fail (SESAME_IS_CATALOG (catalog), NULL);

  if (sesame_catalog_lookup_router (catalog, self->router_id) == NULL)
    {
      g_autofree char *quoted = quote_value (self->router_id);
      problem (&loader, "router.id",
               _("“%s” is not a router Sesame knows; use “generic” if yours is not in the list"),
               quoted);
    }

  if (self->host_name != NULL && control_character (self->host_name) != 0)
    control_character_problem (&loader, "host.name", control_character (self->host_name));

  if (self->ipv6_prefix != NULL)
    check_ipv6_prefix (&loader, "router.ipv6_prefix", self->ipv6_prefix);

  if (self->host_address == NULL)
    problem (&loader, "host.address", _("is missing: the home-network address of the computer that serves"));

  if (sesame_ipv4_parse (self->host_address, &host) &&
      sesame_ipv4_parse (self->router_address, &router) && host == router)
    problem (&loader, "host.address", _("is the router’s own address; use the address of the computer that serves"));

  for (guint i = 0; i < self->services->len; i++)
    {
      const char *id = g_ptr_array_index (self->services, i);

      if (sesame_catalog_lookup_service (catalog, id) == NULL)
        {
          g_autofree char *path = g_strdup_printf ("services[%u]", i);
          g_autofree char *quoted = quote_value (id);

          problem (&loader, path,
                   _("“%s” is not a service Sesame knows; add its ports as a custom rule instead"),
                   quoted);
        }
    }

  return g_steal_pointer (&problems);
}

static void
set_or_remove_string (JsonObject *object,
                      const char *member,
                      const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_remove_member (object, member);
}

/* In the file's own order, so that saving twice gives the same file */
static void
copy_members (JsonObject *from,
              JsonObject *to)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (from == NULL)
    return;

  json_object_iter_init_ordered (&iter, from);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    json_object_set_member (to, name, json_node_copy (value));
}

static JsonObject *
copy_loaded_object (JsonObject *parent,
                    const char *member)
{
  JsonObject *copy = json_object_new ();
  JsonNode *node;

  if (parent != NULL && (node = json_object_get_member (parent, member)) != NULL &&
      JSON_NODE_HOLDS_OBJECT (node))
    copy_members (json_node_get_object (node), copy);

  return copy;
}

static JsonObject *
custom_rule_to_json (const SesameCustomRule *rule,
                     JsonObject             *loaded)
{
  JsonObject *object = json_object_new ();
  g_autofree char *ports = sesame_port_range_to_string (&rule->external);

  copy_members (loaded, object);

  json_object_set_string_member (object, "name", rule->name);
  json_object_set_string_member (object, "protocol", sesame_rule_protocol_to_string (rule->protocol));
  json_object_set_string_member (object, "ports", ports);

  if (sesame_port_range_compare (&rule->external, &rule->internal) != 0)
    {
      g_autofree char *internal = sesame_port_range_to_string (&rule->internal);
      json_object_set_string_member (object, "internal_ports", internal);
    }
  else
    json_object_remove_member (object, "internal_ports");

  return object;
}

/**
 * sesame_plan_to_json:
 *
 * Members this version of Sesame does not know, read from a loaded plan,
 * are written back unchanged.
 *
 * Returns: (transfer full): the plan as pretty-printed JSON
 */
char *
sesame_plan_to_json (SesamePlan *self)
{
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (SESAME_IS_PLAN (self), NULL);

  root = sesame_plan_to_json_node (self);
  return sesame_json_to_string (root);
}

/**
 * sesame_plan_to_json_node:
 *
 * Returns: (transfer full): the plan as a JSON object, for documents that hold it
 */
JsonNode *
sesame_plan_to_json_node (SesamePlan *self)
{
  JsonNode *root_node;
  JsonObject *root;
  JsonObject *router;
  JsonObject *host;
  JsonArray *services;
  JsonArray *rules;

  g_return_val_if_fail (SESAME_IS_PLAN (self), NULL);

  root_node = json_node_new (JSON_NODE_OBJECT);
  root = json_object_new ();
  copy_members (self->loaded, root);

  router = copy_loaded_object (self->loaded, "router");
  json_object_set_string_member (router, "id", self->router_id);
  set_or_remove_string (router, "lan_address", self->router_address);
  json_object_set_string_member (router, "connection", sesame_connection_to_string (self->connection));
  set_or_remove_string (router, "ipv6_prefix", self->ipv6_prefix);

  host = copy_loaded_object (self->loaded, "host");
  set_or_remove_string (host, "name", self->host_name);
  set_or_remove_string (host, "address", self->host_address);
  json_object_set_string_member (host, "os", sesame_host_os_to_string (self->host_os));

  services = json_array_new ();
  for (guint i = 0; i < self->services->len; i++)
    json_array_add_string_element (services, g_ptr_array_index (self->services, i));

  rules = json_array_new ();
  for (guint i = 0; i < self->custom_rules->len; i++)
    {
      JsonObject *loaded = NULL;

      if (self->loaded_rules != NULL && i < self->loaded_rules->len)
        loaded = g_ptr_array_index (self->loaded_rules, i);

      json_array_add_object_element (rules, custom_rule_to_json (g_ptr_array_index (self->custom_rules, i),
                                                                 loaded));
    }

  json_object_set_int_member (root, "version", SESAME_PLAN_VERSION);
  json_object_set_object_member (root, "router", router);
  json_object_set_object_member (root, "host", host);
  json_object_set_array_member (root, "services", services);
  json_object_set_array_member (root, "custom_rules", rules);
  set_or_remove_string (root, "language", self->language);

  json_node_take_object (root_node, root);
  return root_node;
}

/**
 * sesame_plan_copy:
 * @self: a plan
 * @catalog: the catalog to check the copy against
 * @error: return location for a #GError
 *
 * A plan of its own with the same answers, fields Sesame does not know
 * included: what the plan would save, read back.
 *
 * Returns: (transfer full) (nullable): the copy, or %NULL when the plan is
 *   not whole yet (no host address, say)
 */
SesamePlan *
sesame_plan_copy (SesamePlan     *self,
                  SesameCatalog  *catalog,
                  GError        **error)
{
  g_autofree char *json = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (SESAME_IS_PLAN (self), NULL);
  g_return_val_if_fail (SESAME_IS_CATALOG (catalog), NULL);

  json = sesame_plan_to_json (self);
  bytes = g_bytes_new (json, strlen (json));

  return sesame_plan_load_from_bytes (bytes, catalog, error);
}

/**
 * sesame_plan_save_to_file:
 *
 * Writes atomically: an interrupted save leaves the previous file intact.
 * An existing file keeps its permissions; a symbolic link or anything
 * that is not a regular file is refused (sesame_file_replace()).
 */
gboolean
sesame_plan_save_to_file (SesamePlan  *self,
                          const char  *path,
                          GError     **error)
{
  g_autofree char *json = NULL;

  g_return_val_if_fail (SESAME_IS_PLAN (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  json = sesame_plan_to_json (self);
  return sesame_file_replace (path, json, strlen (json), 0644, error);
}

#define DEFINE_STRING_ACCESSORS(field, prop)                                   \
  const char *                                                                 \
  sesame_plan_get_##field (SesamePlan *self)                                   \
  {                                                                            \
    g_return_val_if_fail (SESAME_IS_PLAN (self), NULL);                        \
    return self->field;                                                        \
  }                                                                            \
                                                                               \
  void                                                                         \
  sesame_plan_set_##field (SesamePlan *self,                                   \
                           const char *value)                                  \
  {                                                                            \
    g_return_if_fail (SESAME_IS_PLAN (self));                                  \
    if (set_string (&self->field, value))                                      \
      sesame_plan_changed (self, properties[prop]);                            \
  }

DEFINE_STRING_ACCESSORS (router_address, PROP_ROUTER_ADDRESS)
DEFINE_STRING_ACCESSORS (ipv6_prefix, PROP_IPV6_PREFIX)
DEFINE_STRING_ACCESSORS (host_name, PROP_HOST_NAME)
DEFINE_STRING_ACCESSORS (host_address, PROP_HOST_ADDRESS)
DEFINE_STRING_ACCESSORS (language, PROP_LANGUAGE)

const char *
sesame_plan_get_router_id (SesamePlan *self)
{
  g_return_val_if_fail (SESAME_IS_PLAN (self), NULL);
  return self->router_id;
}

void
sesame_plan_set_router_id (SesamePlan *self,
                           const char *router_id)
{
  g_return_if_fail (SESAME_IS_PLAN (self));
  g_return_if_fail (router_id != NULL);

  if (set_string (&self->router_id, router_id))
    sesame_plan_changed (self, properties[PROP_ROUTER_ID]);
}

SesameConnection
sesame_plan_get_connection (SesamePlan *self)
{
  g_return_val_if_fail (SESAME_IS_PLAN (self), SESAME_CONNECTION_UNKNOWN);
  return self->connection;
}

void
sesame_plan_set_connection (SesamePlan       *self,
                            SesameConnection  connection)
{
  g_return_if_fail (SESAME_IS_PLAN (self));
  g_return_if_fail (connection <= SESAME_CONNECTION_DS_LITE);

  if (self->connection != connection)
    {
      self->connection = connection;
      sesame_plan_changed (self, properties[PROP_CONNECTION]);
    }
}

SesameHostOs
sesame_plan_get_host_os (SesamePlan *self)
{
  g_return_val_if_fail (SESAME_IS_PLAN (self), SESAME_HOST_OS_LINUX_UFW);
  return self->host_os;
}

void
sesame_plan_set_host_os (SesamePlan   *self,
                         SesameHostOs  os)
{
  g_return_if_fail (SESAME_IS_PLAN (self));
  g_return_if_fail (os <= SESAME_HOST_OS_WINDOWS);

  if (self->host_os != os)
    {
      self->host_os = os;
      sesame_plan_changed (self, properties[PROP_HOST_OS]);
    }
}

/**
 * sesame_plan_get_services:
 *
 * Returns: (transfer none): the chosen service ids, in the order chosen
 */
const char * const *
sesame_plan_get_services (SesamePlan *self)
{
  g_return_val_if_fail (SESAME_IS_PLAN (self), NULL);
  return (const char * const *)self->services->pdata;
}

gboolean
sesame_plan_has_service (SesamePlan *self,
                         const char *service_id)
{
  g_return_val_if_fail (SESAME_IS_PLAN (self), FALSE);
  return g_ptr_array_find_with_equal_func (self->services, service_id, g_str_equal, NULL);
}

void
sesame_plan_add_service (SesamePlan *self,
                         const char *service_id)
{
  g_return_if_fail (SESAME_IS_PLAN (self));
  g_return_if_fail (service_id != NULL);

  if (!sesame_plan_has_service (self, service_id))
    {
      g_ptr_array_add (self->services, g_strdup (service_id));
      sesame_plan_changed (self, NULL);
    }
}

void
sesame_plan_remove_service (SesamePlan *self,
                            const char *service_id)
{
  guint position;

  g_return_if_fail (SESAME_IS_PLAN (self));

  if (g_ptr_array_find_with_equal_func (self->services, service_id, g_str_equal, &position))
    {
      g_ptr_array_remove_index (self->services, position);
      sesame_plan_changed (self, NULL);
    }
}

/**
 * sesame_plan_get_custom_rules:
 *
 * Returns: (transfer none) (element-type SesameCustomRule): the rules added by hand
 */
GPtrArray *
sesame_plan_get_custom_rules (SesamePlan *self)
{
  g_return_val_if_fail (SESAME_IS_PLAN (self), NULL);
  return self->custom_rules;
}

void
sesame_plan_add_custom_rule (SesamePlan             *self,
                             const SesameCustomRule *rule)
{
  g_return_if_fail (SESAME_IS_PLAN (self));
  g_return_if_fail (rule != NULL && rule->name != NULL);

  g_ptr_array_add (self->custom_rules, custom_rule_copy (rule));
  if (self->loaded_rules != NULL)
    g_ptr_array_add (self->loaded_rules, json_object_new ());
  sesame_plan_changed (self, NULL);
}

void
sesame_plan_remove_custom_rule (SesamePlan *self,
                                guint       position)
{
  g_return_if_fail (SESAME_IS_PLAN (self));
  g_return_if_fail (position < self->custom_rules->len);

  g_ptr_array_remove_index (self->custom_rules, position);
  if (self->loaded_rules != NULL && position < self->loaded_rules->len)
    g_ptr_array_remove_index (self->loaded_rules, position);
  sesame_plan_changed (self, NULL);
}
