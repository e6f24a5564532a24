/* test-checklist.c: the rows, steps and warnings a person follows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sesame-checklist.h"

static SesameCatalog *catalog;

static SesamePlan *
new_plan (const char         *router_id,
          SesameHostOs        os,
          const char * const *services)
{
  SesamePlan *plan = sesame_plan_new ();

  sesame_plan_set_router_id (plan, router_id);
  sesame_plan_set_router_address (plan, "192.168.11.1");
  sesame_plan_set_host_name (plan, "Mac mini");
  sesame_plan_set_host_address (plan, "192.168.11.5");
  sesame_plan_set_host_os (plan, os);
  for (guint i = 0; services[i] != NULL; i++)
    sesame_plan_add_service (plan, services[i]);

  return plan;
}

static void
add_rule (SesamePlan         *plan,
          const char         *name,
          SesameRuleProtocol  protocol,
          guint               first,
          guint               last,
          guint               internal_first)
{
  SesameCustomRule rule = {
    (char *) name, protocol,
    { first, last },
    { internal_first, internal_first + (last - first) },
  };

  sesame_plan_add_custom_rule (plan, &rule);
}

static SesameChecklist *
build (SesamePlan *plan,
       const char *language)
{
  g_autoptr(GError) error = NULL;
  SesameChecklist *checklist = sesame_checklist_new (plan, catalog, language, &error);

  g_assert_no_error (error);
  g_assert_nonnull (checklist);
  return checklist;
}

static const SesameForward *
find_forward (SesameChecklist *checklist,
              SesameProtocol   protocol,
              guint            port)
{
  GPtrArray *forwards = sesame_checklist_get_forwards (checklist);

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      if (forward->protocol == protocol && forward->external.first <= port && port <= forward->external.last)
        return forward;
    }

  return NULL;
}

static const SesamePortGroup *
find_group (GPtrArray      *groups,
            SesameProtocol  protocol,
            guint           port)
{
  for (guint i = 0; i < groups->len; i++)
    {
      const SesamePortGroup *group = g_ptr_array_index (groups, i);

      if (group->protocol == protocol && group->ports.first <= port && port <= group->ports.last)
        return group;
    }

  return NULL;
}

static gboolean
has_service (GPtrArray  *services,
             const char *id)
{
  return g_ptr_array_find_with_equal_func (services, id, g_str_equal, NULL);
}

static const SesameWarning *
find_warning (SesameChecklist *checklist,
              const char      *service)
{
  GPtrArray *warnings = sesame_checklist_get_warnings (checklist);

  for (guint i = 0; i < warnings->len; i++)
    {
      const SesameWarning *warning = g_ptr_array_index (warnings, i);

      if (has_service (warning->services, service))
        return warning;
    }

  return NULL;
}

/* Everything the firewall steps say, commands included, as one string */
static char *
firewall_text (SesameChecklist *checklist)
{
  GPtrArray *steps = sesame_checklist_get_firewall_steps (checklist);
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < steps->len; i++)
    {
      const SesameStep *step = g_ptr_array_index (steps, i);

      g_string_append_printf (str, "%s\n", step->text);
      if (step->command)
        g_string_append_printf (str, "%s\n", step->command);
    }

  return g_string_free (str, FALSE);
}

/* The story Sesame comes from: web, SSH, AFP, VNC, iChat and Jabber on a Mac mini */
static void
test_seed (void)
{
  static const char * const services[] = { "http", "ssh", "afp", "vnc", "ichat", "xmpp", NULL };
  g_autoptr(SesamePlan) plan = new_plan ("buffalo-bbr-4mg", SESAME_HOST_OS_MACOS, services);
  g_autoptr(SesameChecklist) checklist = NULL;
  const SesameForward *forward;
  static const guint tcp[] = { 22, 80, 548, 5900, 5222, 5269 };
  static const guint lan[][2] = { { SESAME_PROTOCOL_UDP, 5297 }, { SESAME_PROTOCOL_UDP, 5298 },
                                  { SESAME_PROTOCOL_UDP, 5353 }, { SESAME_PROTOCOL_TCP, 5298 } };

  checklist = build (plan, "en");

  for (guint i = 0; i < G_N_ELEMENTS (tcp); i++)
    {
      forward = find_forward (checklist, SESAME_PROTOCOL_TCP, tcp[i]);
      g_assert_nonnull (forward);
      g_assert_cmpstr (forward->internal_address, ==, "192.168.11.5");
      g_assert_cmpuint (forward->internal.first, ==, forward->external.first);
    }

  forward = find_forward (checklist, SESAME_PROTOCOL_UDP, 16384);
  g_assert_nonnull (forward);
  g_assert_cmpuint (forward->external.first, ==, 16384);
  g_assert_cmpuint (forward->external.last, ==, 16403);
  g_assert_true (has_service (forward->services, "ichat"));
  g_assert_nonnull (find_forward (checklist, SESAME_PROTOCOL_UDP, 5060));

  /* Bonjour stays at home, and is listed as such */
  for (guint i = 0; i < G_N_ELEMENTS (lan); i++)
    {
      g_assert_null (find_forward (checklist, lan[i][0], lan[i][1]));
      g_assert_nonnull (find_group (sesame_checklist_get_lan_only (checklist), lan[i][0], lan[i][1]));
    }

  /* iChat's SNATMAP only goes out */
  g_assert_null (find_forward (checklist, SESAME_PROTOCOL_UDP, 5678));
  g_assert_nonnull (find_group (sesame_checklist_get_outbound_only (checklist), SESAME_PROTOCOL_UDP, 5678));

  /* AFP and VNC are forwarded, with a warning each */
  g_assert_nonnull (find_forward (checklist, SESAME_PROTOCOL_TCP, 548));
  g_assert_cmpint (find_warning (checklist, "afp")->severity, ==, SESAME_SEVERITY_WARNING);
  g_assert_cmpint (find_warning (checklist, "vnc")->severity, ==, SESAME_SEVERITY_WARNING);
  g_assert_null (find_warning (checklist, "ssh"));

  g_assert_cmpstr (sesame_checklist_get_router_page (checklist), ==, "Address Translation");
  g_assert_cmpstr (sesame_checklist_get_admin_url (checklist), ==, "http://192.168.11.1/");
  g_assert_cmpuint (sesame_checklist_get_conflicts (checklist)->len, ==, 0);
}

static void
test_merge (void)
{
  static const char * const services[] = { "http", "https", "nextcloud", NULL };
  g_autoptr(SesamePlan) plan = new_plan ("generic", SESAME_HOST_OS_LINUX_UFW, services);
  g_autoptr(SesameChecklist) checklist = NULL;
  const SesameForward *forward;
  GPtrArray *forwards;

  add_rule (plan, "Cameras A", SESAME_RULE_PROTOCOL_TCP, 8000, 8009, 8000);
  add_rule (plan, "Cameras B", SESAME_RULE_PROTOCOL_TCP, 8010, 8019, 8010);
  add_rule (plan, "Cameras C", SESAME_RULE_PROTOCOL_TCP, 8005, 8012, 8005);
  add_rule (plan, "Voice", SESAME_RULE_PROTOCOL_BOTH, 9000, 9000, 9000);

  checklist = build (plan, "en");
  forwards = sesame_checklist_get_forwards (checklist);

  /* One row per port, naming every service that needs it */
  forward = find_forward (checklist, SESAME_PROTOCOL_TCP, 80);
  g_assert_true (has_service (forward->services, "http"));
  g_assert_true (has_service (forward->services, "nextcloud"));
  forward = find_forward (checklist, SESAME_PROTOCOL_TCP, 443);
  g_assert_true (has_service (forward->services, "https"));
  g_assert_true (has_service (forward->services, "nextcloud"));

  /* Touching and overlapping ranges of one protocol become one row */
  forward = find_forward (checklist, SESAME_PROTOCOL_TCP, 8000);
  g_assert_cmpuint (forward->external.first, ==, 8000);
  g_assert_cmpuint (forward->external.last, ==, 8019);
  g_assert_cmpuint (forward->internal.last, ==, 8019);
  g_assert_cmpuint (forward->services->len, ==, 3);

  /* Never across protocols */
  g_assert_nonnull (find_forward (checklist, SESAME_PROTOCOL_TCP, 9000));
  g_assert_nonnull (find_forward (checklist, SESAME_PROTOCOL_UDP, 9000));
  g_assert_true (find_forward (checklist, SESAME_PROTOCOL_TCP, 9000) !=
                 find_forward (checklist, SESAME_PROTOCOL_UDP, 9000));

  /* tcp 80, tcp 443, udp 443, tcp 8000-8019, tcp 9000, udp 9000 */
  g_assert_cmpuint (forwards->len, ==, 6);
  g_assert_cmpuint (sesame_checklist_get_conflicts (checklist)->len, ==, 0);
}

/* The same external port to two different internal ports is reported, not merged */
static void
test_conflict (void)
{
  static const char * const services[] = { "ssh", NULL };
  g_autoptr(SesamePlan) plan = new_plan ("generic", SESAME_HOST_OS_LINUX_UFW, services);
  g_autoptr(SesameChecklist) checklist = NULL;
  const SesameConflict *conflict;
  const SesameForward *forward;

  add_rule (plan, "Second SSH", SESAME_RULE_PROTOCOL_TCP, 22, 22, 2222);
  add_rule (plan, "Wide", SESAME_RULE_PROTOCOL_TCP, 3000, 3010, 3000);
  add_rule (plan, "Shifted", SESAME_RULE_PROTOCOL_TCP, 3005, 3006, 4005);
  checklist = build (plan, "en");

  g_assert_cmpuint (sesame_checklist_get_conflicts (checklist)->len, ==, 2);

  conflict = g_ptr_array_index (sesame_checklist_get_conflicts (checklist), 0);
  g_assert_cmpint (conflict->protocol, ==, SESAME_PROTOCOL_TCP);
  g_assert_cmpuint (conflict->ports.first, ==, 22);
  g_assert_true (has_service (conflict->services, "ssh"));
  g_assert_true (has_service (conflict->services, "custom:Second SSH"));
  g_assert_nonnull (strstr (conflict->text, "2222"));

  forward = find_forward (checklist, SESAME_PROTOCOL_TCP, 22);
  g_assert_cmpuint (forward->internal.first, ==, 22);
  g_assert_false (has_service (forward->services, "custom:Second SSH"));

  conflict = g_ptr_array_index (sesame_checklist_get_conflicts (checklist), 1);
  g_assert_cmpuint (conflict->ports.first, ==, 3005);
  g_assert_true (has_service (conflict->services, "custom:Wide"));
  g_assert_true (has_service (conflict->services, "custom:Shifted"));
}

/* A LAN-only port is never forwarded, even when a custom rule asks for it */
static void
test_lan_never_forwarded (void)
{
  static const char * const services[] = { "ichat", NULL };
  g_autoptr(SesamePlan) plan = new_plan ("generic", SESAME_HOST_OS_MACOS, services);
  g_autoptr(SesameChecklist) checklist = NULL;
  const SesameConflict *conflict;

  add_rule (plan, "Bonjour relay", SESAME_RULE_PROTOCOL_UDP, 5350, 5360, 5350);
  checklist = build (plan, "en");

  g_assert_null (find_forward (checklist, SESAME_PROTOCOL_UDP, 5353));
  g_assert_cmpuint (sesame_checklist_get_conflicts (checklist)->len, ==, 1);
  conflict = g_ptr_array_index (sesame_checklist_get_conflicts (checklist), 0);
  g_assert_true (has_service (conflict->services, "ichat"));
  g_assert_true (has_service (conflict->services, "custom:Bonjour relay"));
}

/* SMB is never forwarded: a critical warning says to use a VPN, and home use still works */
static void
test_dangerous (void)
{
  static const char * const services[] = { "smb", "ssh", NULL };
  g_autoptr(SesamePlan) plan = new_plan ("generic", SESAME_HOST_OS_LINUX_UFW, services);
  g_autoptr(SesameChecklist) checklist = build (plan, "en");
  g_autofree char *firewall = firewall_text (checklist);
  const SesameWarning *warning;

  g_assert_null (find_forward (checklist, SESAME_PROTOCOL_TCP, 445));
  g_assert_null (find_forward (checklist, SESAME_PROTOCOL_TCP, 139));
  g_assert_nonnull (find_forward (checklist, SESAME_PROTOCOL_TCP, 22));
  g_assert_nonnull (find_group (sesame_checklist_get_not_forwarded (checklist), SESAME_PROTOCOL_TCP, 445));

  warning = find_warning (checklist, "smb");
  g_assert_nonnull (warning);
  g_assert_cmpint (warning->severity, ==, SESAME_SEVERITY_CRITICAL);
  g_assert_nonnull (warning->advice);
  g_assert_nonnull (strstr (warning->advice, "VPN"));

  /* The most serious warning comes first */
  g_assert_true (g_ptr_array_index (sesame_checklist_get_warnings (checklist), 0) == warning);

  g_assert_nonnull (strstr (firewall, "sudo ufw allow from 192.168.11.0/24 to any port 445 proto tcp"));
  g_assert_null (strstr (firewall, "sudo ufw allow 445/tcp"));
}

static void
test_connection (void)
{
  static const char * const services[] = { "minecraft-java", NULL };
  g_autoptr(SesamePlan) plan = new_plan ("ntt-hgw", SESAME_HOST_OS_WINDOWS, services);
  g_autoptr(SesameChecklist) plain = build (plan, "en");
  g_autoptr(SesameChecklist) map_e = NULL;
  g_autoptr(SesameChecklist) ds_lite = NULL;
  const SesameWarning *warning;

  sesame_plan_set_connection (plan, SESAME_CONNECTION_PPPOE);
  g_clear_object (&plain);
  plain = build (plan, "en");
  g_assert_cmpuint (sesame_checklist_get_warnings (plain)->len, ==, 0);

  sesame_plan_set_connection (plan, SESAME_CONNECTION_MAP_E);
  map_e = build (plan, "en");
  g_assert_cmpuint (sesame_checklist_get_warnings (map_e)->len, ==, 1);
  warning = g_ptr_array_index (sesame_checklist_get_warnings (map_e), 0);
  g_assert_cmpint (warning->severity, ==, SESAME_SEVERITY_WARNING);
  g_assert_nonnull (strstr (warning->text, "MAP-E"));
  g_assert_nonnull (strstr (warning->text, "240 ports"));
  g_assert_nonnull (warning->advice);

  sesame_plan_set_connection (plan, SESAME_CONNECTION_DS_LITE);
  ds_lite = build (plan, "en");
  warning = g_ptr_array_index (sesame_checklist_get_warnings (ds_lite), 0);
  g_assert_cmpint (warning->severity, ==, SESAME_SEVERITY_CRITICAL);
  g_assert_nonnull (strstr (warning->text, "no IPv4 port forwarding can work"));
  g_assert_nonnull (strstr (warning->advice, "IPv6"));
}

static void
test_firewalls (void)
{
  static const char * const services[] = { "http", "ichat", NULL };
  static const struct {
    SesameHostOs os;
    const char *expected[4];
  } cases[] = {
    { SESAME_HOST_OS_LINUX_UFW,
      { "sudo ufw allow 80/tcp", "sudo ufw allow 16384:16403/udp",
        "sudo ufw allow from 192.168.11.0/24 to any port 5353 proto udp", "sudo ufw enable" } },
    { SESAME_HOST_OS_LINUX_FIREWALLD,
      { "sudo firewall-cmd --permanent --add-port=80/tcp", "--add-port=16384-16403/udp",
        "source address=\"192.168.11.0/24\" port port=\"5353\" protocol=\"udp\" accept", "firewall-cmd --reload" } },
    { SESAME_HOST_OS_LINUX_NFTABLES,
      { "sudo nft add rule inet filter input tcp dport 80 accept", "udp dport 16384-16403 accept",
        "ip saddr 192.168.11.0/24 udp dport 5353 accept", "nft list ruleset" } },
    { SESAME_HOST_OS_WINDOWS,
      { "netsh advfirewall firewall add rule name=\"Sesame: http\" dir=in action=allow protocol=TCP localport=80",
        "protocol=UDP localport=16384-16403", "localport=5353 remoteip=localsubnet", "Run as administrator" } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SesamePlan) plan = new_plan ("openwrt", cases[i].os, services);
      g_autoptr(SesameChecklist) checklist = build (plan, "en");
      g_autofree char *text = firewall_text (checklist);

      for (guint e = 0; e < G_N_ELEMENTS (cases[i].expected); e++)
        {
          if (strstr (text, cases[i].expected[e]) == NULL)
            g_error ("%s firewall steps lack “%s”:\n%s",
                     sesame_host_os_to_string (cases[i].os), cases[i].expected[e], text);
        }
    }
}

/* The application firewall, signed software, and the ports Apple's note names */
static void
test_macos_firewall (void)
{
  static const char * const services[] = { "ichat", "vnc", NULL };
  static const char * const ports[] = { "5060", "5190", "5297", "5298", "5678", "16384-16403" };
  g_autoptr(SesamePlan) plan = new_plan ("apple-airport-extreme", SESAME_HOST_OS_MACOS, services);
  g_autoptr(SesameChecklist) checklist = build (plan, "en");
  g_autofree char *text = firewall_text (checklist);
  const char *udp;

  g_assert_nonnull (strstr (text, "socketfilterfw --setglobalstate on"));
  g_assert_nonnull (strstr (text, "Automatically allow signed software to receive incoming connections"));
  g_assert_nonnull (strstr (text, "“Screen Sharing”"));

  udp = strstr (text, "UDP: ");
  g_assert_nonnull (udp);
  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    g_assert_nonnull (strstr (udp, ports[i]));
}

static void
test_router_section (void)
{
  static const char * const services[] = { "ssh", NULL };
  g_autoptr(SesamePlan) plan = new_plan ("nec-aterm", SESAME_HOST_OS_LINUX_UFW, services);
  g_autoptr(SesameChecklist) en = build (plan, "en");
  g_autoptr(SesameChecklist) airport = NULL;
  g_autoptr(SesamePlan) airport_plan = new_plan ("apple-airport-extreme", SESAME_HOST_OS_MACOS, services);
  const SesameRouter *router = sesame_catalog_lookup_router (catalog, "nec-aterm");

  /* A named admin page stays as it is; a factory address follows the plan */
  if (router->admin_url != NULL && strstr (router->admin_url, router->lan_address) == NULL)
    g_assert_cmpstr (sesame_checklist_get_admin_url (en), ==, router->admin_url);

  airport = build (airport_plan, "en");
  g_assert_true (g_str_has_prefix (sesame_checklist_get_router_page (airport), "Port Mapping"));
  g_assert_cmpstr (sesame_checklist_get_router_name (airport), !=, NULL);
}

/* "Reach it over IPv6": the router's IPv6 firewall in its own words (from
 * the catalog, or the generic router's), the host firewall, the address */
static void
test_ipv6 (void)
{
  static const char * const services[] = { "http", "ssh", NULL };
  g_autoptr(SesamePlan) plan = new_plan ("nec-aterm", SESAME_HOST_OS_LINUX_UFW, services);
  g_autoptr(SesamePlan) old_plan = new_plan ("buffalo-bbr-4mg", SESAME_HOST_OS_MACOS, services);
  g_autoptr(SesameChecklist) en = build (plan, "en");
  g_autoptr(SesameChecklist) ja = build (plan, "ja");
  g_autoptr(SesameChecklist) old = build (old_plan, "en");
  const SesameRouter *aterm = sesame_catalog_lookup_router (catalog, "nec-aterm");
  const SesameRouter *generic = sesame_catalog_lookup_router (catalog, "generic");
  const SesameStep *step;
  gboolean ufw = FALSE, aaaa = FALSE, uncertain_note = FALSE;
  GPtrArray *steps;

  /* Without the server's IPv6 address, no section */
  g_assert_null (sesame_checklist_get_ipv6_steps (en));

  sesame_checklist_set_ipv6_address (en, "240b:10:1234:5600::5");
  sesame_checklist_set_ipv6_address (ja, "240b:10:1234:5600::5");
  steps = sesame_checklist_get_ipv6_steps (en);
  g_assert_nonnull (steps);
  step = g_ptr_array_index (steps, 0);
  g_assert_nonnull (strstr (step->text, sesame_text_get (&aterm->ipv6_filter_page, "en")));
  g_assert_nonnull (strstr (step->text, "240b:10:1234:5600::5"));
  g_assert_nonnull (strstr (step->text, "TCP 22"));
  g_assert_nonnull (strstr (step->text, "TCP 80"));
  for (guint i = 0; i < steps->len; i++)
    {
      step = g_ptr_array_index (steps, i);
      ufw |= g_strcmp0 (step->command, "grep '^IPV6=' /etc/default/ufw") == 0;
      aaaa |= strstr (step->text, "AAAA") != NULL && strstr (step->text, "240b:10:1234:5600::5") != NULL;
    }
  g_assert_true (ufw);
  g_assert_true (aaaa);
  step = g_ptr_array_index (sesame_checklist_get_ipv6_steps (ja), 0);
  g_assert_nonnull (strstr (step->text, sesame_text_get (&aterm->ipv6_filter_page, "ja")));

  /* A router the catalog knows no IPv6 page of: the generic words, saying they are not confirmed */
  sesame_checklist_set_ipv6_address (old, "2001:db8:5600::5");
  steps = sesame_checklist_get_ipv6_steps (old);
  step = g_ptr_array_index (steps, 0);
  g_assert_nonnull (strstr (step->text, sesame_text_get (&generic->ipv6_filter_page, "en")));
  for (guint i = 0; i < steps->len; i++)
    uncertain_note |= strstr (((SesameStep *) g_ptr_array_index (steps, i))->text, "could not confirm") != NULL;
  g_assert_true (uncertain_note);

  /* And gone again without the address */
  sesame_checklist_set_ipv6_address (en, NULL);
  g_assert_null (sesame_checklist_get_ipv6_steps (en));
}

/* The report language does not depend on the locale of the process */
static void
test_japanese (void)
{
  static const char * const services[] = { "http", "ichat", "smb", NULL };
  g_autoptr(SesamePlan) plan = new_plan ("buffalo-bbr-4mg", SESAME_HOST_OS_MACOS, services);
  g_autoptr(SesameChecklist) ja = NULL;
  g_autoptr(SesameChecklist) en = NULL;
  const SesameForward *forward;

  sesame_plan_set_language (plan, "ja");
  ja = build (plan, NULL);
  en = build (plan, "en");

  g_assert_cmpstr (sesame_checklist_get_language (ja), ==, "ja");
  g_assert_cmpstr (sesame_checklist_get_router_page (ja), ==, "アドレス変換");
  g_assert_true (g_str_has_prefix (sesame_checklist_get_router_menu_path (ja), "詳細設定"));
  g_assert_cmpstr (sesame_checklist_get_title (ja), !=, sesame_checklist_get_title (en));
  g_assert_false (g_str_is_ascii (sesame_checklist_get_title (ja)));
  g_assert_false (g_str_is_ascii (((SesameWarning *) g_ptr_array_index (sesame_checklist_get_warnings (ja), 0))->text));
  g_assert_true (g_str_is_ascii (sesame_checklist_get_title (en)));

  forward = find_forward (ja, SESAME_PROTOCOL_TCP, 80);
  g_assert_false (g_str_is_ascii (g_ptr_array_index (forward->names, 0)));
}

/* A router that takes one port per entry gets ranges port by port */
static void
test_single_port_router (void)
{
  static const char services_json[] =
    "{\"version\":1,\"categories\":[{\"id\":\"games\",\"name\":\"Games\"}],\"services\":["
    "{\"id\":\"game\",\"name\":\"Game\",\"category\":\"games\",\"description\":\"d\",\"risk\":\"none\","
    "\"ports\":[{\"protocol\":\"udp\",\"ports\":\"5000-5002\",\"exposure\":\"internet\",\"purpose\":\"p\"},"
    "{\"protocol\":\"udp\",\"ports\":\"5003\",\"exposure\":\"internet\",\"purpose\":\"q\"}]}]}";
  static const char routers_json[] =
    "{\"version\":1,\"routers\":[{\"id\":\"generic\",\"vendor\":{\"en\":\"Old\",\"ja\":\"旧型\"},"
    "\"model\":{\"en\":\"Router\",\"ja\":\"ルーター\"},\"market\":\"jp\",\"lan_address\":\"192.168.11.1\","
    "\"admin_url\":\"http://192.168.11.1/\",\"forwarding_page\":{\"en\":\"NAT\",\"ja\":\"NAT\"},"
    "\"menu_path\":{\"en\":[\"NAT\"],\"ja\":[\"NAT\"]},\"upnp_igd\":\"no\",\"nat_pmp\":\"no\","
    "\"pcp\":\"no\",\"port_ranges\":\"no\",\"uncertain\":[],\"sources\":[]}]}";
  g_autoptr(GBytes) services = g_bytes_new_static (services_json, strlen (services_json));
  g_autoptr(GBytes) routers = g_bytes_new_static (routers_json, strlen (routers_json));
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameCatalog) small = sesame_catalog_new_from_bytes (services, routers, &error);
  g_autoptr(SesamePlan) plan = sesame_plan_new ();
  g_autoptr(SesameChecklist) checklist = NULL;
  GPtrArray *forwards;

  g_assert_no_error (error);
  sesame_plan_set_host_address (plan, "192.168.11.5");
  sesame_plan_add_service (plan, "game");

  checklist = sesame_checklist_new (plan, small, "en", &error);
  g_assert_no_error (error);
  forwards = sesame_checklist_get_forwards (checklist);

  g_assert_cmpuint (forwards->len, ==, 4);
  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      g_assert_cmpuint (forward->external.first, ==, 5000 + i);
      g_assert_cmpuint (forward->external.last, ==, 5000 + i);
    }
}

/* A router that may not take ranges: the example range is the person's own */
static void
test_range_example (void)
{
  static const char * const none[] = { NULL };
  g_autoptr(SesamePlan) plan = new_plan ("buffalo-bbr-4mg", SESAME_HOST_OS_LINUX_UFW, none);
  g_autoptr(SesameChecklist) checklist = NULL;
  GPtrArray *steps;
  gboolean found = FALSE;

  g_assert_cmpint (sesame_catalog_lookup_router (catalog, "buffalo-bbr-4mg")->port_ranges, ==, SESAME_SUPPORT_UNKNOWN);
  add_rule (plan, "Game server", SESAME_RULE_PROTOCOL_UDP, 27015, 27030, 27015);
  checklist = build (plan, "en");
  steps = sesame_checklist_get_router_steps (checklist);

  for (guint i = 0; i < steps->len; i++)
    {
      const SesameStep *step = g_ptr_array_index (steps, i);

      g_assert_null (strstr (step->text, "16384-16403"));
      if (strstr (step->text, "does not take a range") != NULL)
        {
          g_assert_nonnull (strstr (step->text, "such as 27015-27030 in one entry"));
          found = TRUE;
        }
    }
  g_assert_true (found);
}

static void
test_invalid_plan (void)
{
  g_autoptr(SesamePlan) plan = sesame_plan_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameChecklist) checklist = NULL;

  sesame_plan_set_host_address (plan, "192.168.1.5");
  sesame_plan_add_service (plan, "no-such-service");
  checklist = sesame_checklist_new (plan, catalog, "en", &error);
  g_assert_null (checklist);
  g_assert_error (error, SESAME_PLAN_ERROR, SESAME_PLAN_ERROR_INVALID);

  g_clear_error (&error);
  sesame_plan_remove_service (plan, "no-such-service");
  checklist = sesame_checklist_new (plan, catalog, "fr", &error);
  g_assert_null (checklist);
  g_assert_error (error, SESAME_TRANSLATION_ERROR, SESAME_TRANSLATION_ERROR_UNSUPPORTED);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  catalog = sesame_catalog_load_default (&error);
  g_assert_no_error (error);

  g_test_add_func ("/checklist/seed", test_seed);
  g_test_add_func ("/checklist/merge", test_merge);
  g_test_add_func ("/checklist/conflict", test_conflict);
  g_test_add_func ("/checklist/lan-never-forwarded", test_lan_never_forwarded);
  g_test_add_func ("/checklist/dangerous", test_dangerous);
  g_test_add_func ("/checklist/connection", test_connection);
  g_test_add_func ("/checklist/firewalls", test_firewalls);
  g_test_add_func ("/checklist/macos-firewall", test_macos_firewall);
  g_test_add_func ("/checklist/router-section", test_router_section);
  g_test_add_func ("/checklist/ipv6", test_ipv6);
  g_test_add_func ("/checklist/japanese", test_japanese);
  g_test_add_func ("/checklist/single-port-router", test_single_port_router);
  g_test_add_func ("/checklist/range-example", test_range_example);
  g_test_add_func ("/checklist/invalid-plan", test_invalid_plan);

  return g_test_run ();
}
