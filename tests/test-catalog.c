/* test-catalog.c: the services and routers catalogs people choose from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "sesame-catalog.h"
#include "sesame-translation.h"

static SesameCatalog *
load_catalog (void)
{
  g_autoptr(GError) error = NULL;
  SesameCatalog *catalog = sesame_catalog_load_default (&error);

  g_assert_no_error (error);
  g_assert_nonnull (catalog);
  return catalog;
}

static const SesameServicePort *
find_port (const SesameService *service,
           SesameProtocol       protocol,
           guint                first,
           guint                last)
{
  for (guint i = 0; i < service->ports->len; i++)
    {
      const SesameServicePort *port = g_ptr_array_index (service->ports, i);

      if (port->protocol == protocol && port->range.first == first && port->range.last == last)
        return port;
    }

  return NULL;
}

static void
test_services (void)
{
  g_autoptr(SesameCatalog) catalog = load_catalog ();
  GPtrArray *services = sesame_catalog_get_services (catalog);
  static const char * const required[] = {
    "http", "https", "ssh", "afp", "vnc", "ichat", "xmpp", "smb", "minecraft-java", "wireguard",
  };

  g_assert_cmpuint (services->len, >=, 40);

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_test_message ("%s", required[i]);
      g_assert_nonnull (sesame_catalog_lookup_service (catalog, required[i]));
    }

  for (guint i = 0; i < services->len; i++)
    {
      const SesameService *service = g_ptr_array_index (services, i);

      g_assert_nonnull (sesame_catalog_lookup_category (catalog, service->category));
      g_assert_cmpuint (service->ports->len, >, 0);
      if (service->risk != SESAME_RISK_NONE)
        g_assert_nonnull (service->risk_note);
      if (service->risk == SESAME_RISK_DANGEROUS)
        g_assert_nonnull (service->instead);

      for (guint p = 0; p < service->ports->len; p++)
        {
          const SesameServicePort *port = g_ptr_array_index (service->ports, p);

          g_assert_cmpuint (port->range.first, >=, 1);
          g_assert_cmpuint (port->range.first, <=, port->range.last);
          g_assert_cmpuint (port->exposure, <=, SESAME_EXPOSURE_LAN);
          g_assert_cmpstr (port->purpose, !=, "");
        }
    }
}

/* Apple's list: the AV range and SIP are forwarded, Bonjour ports stay home */
static void
test_ichat (void)
{
  g_autoptr(SesameCatalog) catalog = load_catalog ();
  const SesameService *ichat = sesame_catalog_lookup_service (catalog, "ichat");
  const SesameServicePort *port;
  static const guint lan_ports[] = { 5297, 5298, 5353 };

  g_assert_nonnull (ichat);

  port = find_port (ichat, SESAME_PROTOCOL_UDP, 16384, 16403);
  g_assert (port != NULL);
  g_assert_cmpint (port->exposure, ==, SESAME_EXPOSURE_INTERNET);

  port = find_port (ichat, SESAME_PROTOCOL_UDP, 5060, 5060);
  g_assert (port != NULL);
  g_assert_cmpint (port->exposure, ==, SESAME_EXPOSURE_INTERNET);

  for (guint i = 0; i < G_N_ELEMENTS (lan_ports); i++)
    {
      gboolean seen = FALSE;

      for (guint p = 0; p < ichat->ports->len; p++)
        {
          const SesameServicePort *candidate = g_ptr_array_index (ichat->ports, p);

          if (candidate->range.first <= lan_ports[i] && lan_ports[i] <= candidate->range.last)
            {
              g_assert_cmpint (candidate->exposure, ==, SESAME_EXPOSURE_LAN);
              seen = TRUE;
            }
        }

      g_assert_true (seen);
    }

  {
    static const struct { const char *id; SesameRisk risk; } risks[] = {
      { "smb", SESAME_RISK_DANGEROUS }, { "rdp", SESAME_RISK_DANGEROUS },
      { "afp", SESAME_RISK_RISKY }, { "vnc", SESAME_RISK_RISKY }, { "ssh", SESAME_RISK_NONE },
    };

    for (guint i = 0; i < G_N_ELEMENTS (risks); i++)
      {
        const SesameService *service = sesame_catalog_lookup_service (catalog, risks[i].id);

        g_assert_nonnull (service);
        g_assert_cmpint (service->risk, ==, risks[i].risk);
      }
  }
}

static void
test_routers (void)
{
  g_autoptr(SesameCatalog) catalog = load_catalog ();
  GPtrArray *routers = sesame_catalog_get_routers (catalog);
  const SesameRouter *router;
  guint japan = 0;
  static const char * const required[] = {
    "buffalo-bbr-4mg", "buffalo-airstation", "apple-airport-extreme", "nec-aterm", "ntt-hgw",
    "yamaha-rtx", "fritzbox", "openwrt", "generic",
  };

  g_assert_cmpuint (routers->len, >=, 25);

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      g_test_message ("%s", required[i]);
      g_assert_nonnull (sesame_catalog_lookup_router (catalog, required[i]));
    }

  for (guint i = 0; i < routers->len; i++)
    {
      router = g_ptr_array_index (routers, i);

      if (router->japan)
        japan++;

      /* Everything a checklist shows exists in both languages */
      g_assert_cmpstr (router->vendor.en, !=, NULL);
      g_assert_cmpstr (router->vendor.ja, !=, NULL);
      g_assert_cmpstr (router->model.ja, !=, NULL);
      g_assert_cmpstr (router->forwarding_page.en, !=, NULL);
      g_assert_cmpstr (router->forwarding_page.ja, !=, NULL);
      g_assert_cmpuint (g_strv_length (router->menu_path_en), >, 0);
      g_assert_cmpuint (g_strv_length (router->menu_path_ja), >, 0);
      g_assert_true ((router->notes.en == NULL) == (router->notes.ja == NULL));
    }

  g_assert_cmpuint (japan * 2, >=, routers->len);

  router = sesame_catalog_lookup_router (catalog, "buffalo-bbr-4mg");
  g_assert_cmpstr (sesame_text_get (&router->forwarding_page, "ja"), ==, "アドレス変換");
  g_assert_cmpstr (router->lan_address, ==, "192.168.11.1");

  router = sesame_catalog_lookup_router (catalog, "apple-airport-extreme");
  g_assert_true (g_str_has_prefix (sesame_text_get (&router->forwarding_page, "en"), "Port Mapping"));
  g_assert_cmpint (router->nat_pmp, ==, SESAME_SUPPORT_YES);
  g_assert_cmpstr (router->lan_address, ==, "10.0.1.1");
}

static void
assert_translated (SesameTranslation *ja,
                   const char        *text)
{
  if (text == NULL)
    return;

  if (!sesame_translation_contains (ja, text))
    g_error ("not translated in po/ja.po: “%s” (run data/catalogs/extract-strings.py and update po/ja.po)",
             text);
}

/* Every string a person sees from the services catalog has a Japanese translation */
static void
test_translated (void)
{
  g_autoptr(SesameCatalog) catalog = load_catalog ();
  g_autoptr(GError) error = NULL;
  SesameTranslation *ja = sesame_translation_get_for_language ("ja", &error);
  GPtrArray *services = sesame_catalog_get_services (catalog);
  GPtrArray *categories = sesame_catalog_get_categories (catalog);

  g_assert_no_error (error);

  for (guint i = 0; i < categories->len; i++)
    assert_translated (ja, ((SesameCategory *) g_ptr_array_index (categories, i))->name);

  for (guint i = 0; i < services->len; i++)
    {
      const SesameService *service = g_ptr_array_index (services, i);

      assert_translated (ja, service->name);
      assert_translated (ja, service->description);
      assert_translated (ja, service->risk_note);
      assert_translated (ja, service->instead);
      assert_translated (ja, service->macos_sharing);

      for (guint p = 0; p < service->ports->len; p++)
        assert_translated (ja, ((SesameServicePort *) g_ptr_array_index (service->ports, p))->purpose);
    }
}

/* A broken catalog is refused with the place of the mistake */
static void
test_invalid (void)
{
  static const char routers_ok[] =
    "{\"version\":1,\"routers\":[{\"id\":\"generic\",\"vendor\":{\"en\":\"Other\",\"ja\":\"その他\"},"
    "\"model\":{\"en\":\"Router\",\"ja\":\"ルーター\"},\"market\":\"global\",\"lan_address\":\"192.168.1.1\","
    "\"admin_url\":\"http://192.168.1.1/\",\"forwarding_page\":{\"en\":\"Port forwarding\",\"ja\":\"ポート転送\"},"
    "\"menu_path\":{\"en\":[\"Advanced\"],\"ja\":[\"詳細設定\"]},\"upnp_igd\":\"unknown\",\"nat_pmp\":\"unknown\","
    "\"pcp\":\"unknown\",\"port_ranges\":\"unknown\",\"uncertain\":[],\"sources\":[]}]}";
  static const struct {
    const char *services;
    const char *routers;
    const char *message;
  } cases[] = {
    { "{\"version\":1,\"categories\":[{\"id\":\"web\",\"name\":\"Web\"}],\"services\":["
      "{\"id\":\"http\",\"name\":\"Web\",\"category\":\"web\",\"description\":\"d\",\"risk\":\"none\","
      "\"ports\":[{\"protocol\":\"tcp\",\"ports\":\"0\",\"exposure\":\"internet\",\"purpose\":\"p\"}]}]}",
      routers_ok, "services[0].ports[0].ports" },
    { "{\"version\":1,\"categories\":[{\"id\":\"web\",\"name\":\"Web\"}],\"services\":["
      "{\"id\":\"http\",\"name\":\"Web\",\"category\":\"web\",\"description\":\"d\",\"risk\":\"none\","
      "\"ports\":[{\"protocol\":\"tcp\",\"ports\":\"90-80\",\"exposure\":\"internet\",\"purpose\":\"p\"}]}]}",
      routers_ok, "reversed" },
    { "{\"version\":1,\"categories\":[{\"id\":\"web\",\"name\":\"Web\"}],\"services\":["
      "{\"id\":\"http\",\"name\":\"Web\",\"category\":\"web\",\"description\":\"d\",\"risk\":\"none\","
      "\"ports\":[{\"protocol\":\"tcp\",\"ports\":\"80\",\"exposure\":\"everywhere\",\"purpose\":\"p\"}]}]}",
      routers_ok, "services[0].ports[0].exposure" },
    { "{\"version\":1,\"categories\":[{\"id\":\"web\",\"name\":\"Web\"}],\"services\":["
      "{\"id\":\"http\",\"name\":\"Web\",\"category\":\"games\",\"description\":\"d\",\"risk\":\"none\","
      "\"ports\":[{\"protocol\":\"tcp\",\"ports\":\"80\",\"exposure\":\"internet\",\"purpose\":\"p\"}]}]}",
      routers_ok, "category does not exist" },
    { "{\"version\":1,\"categories\":[{\"id\":\"web\",\"name\":\"Web\"}],\"services\":["
      "{\"id\":\"http\",\"name\":\"Web\",\"category\":\"web\",\"description\":\"d\",\"risk\":\"none\","
      "\"ports\":[{\"protocol\":\"tcp\",\"ports\":\"80\",\"exposure\":\"internet\",\"purpose\":\"p\"}]},"
      "{\"id\":\"http\",\"name\":\"Web\",\"category\":\"web\",\"description\":\"d\",\"risk\":\"none\","
      "\"ports\":[{\"protocol\":\"tcp\",\"ports\":\"81\",\"exposure\":\"internet\",\"purpose\":\"p\"}]}]}",
      routers_ok, "used twice" },
    { "{\"version\":1,\"categories\":[{\"id\":\"web\",\"name\":\"Web\"}],\"services\":["
      "{\"id\":\"smb\",\"name\":\"SMB\",\"category\":\"web\",\"description\":\"d\",\"risk\":\"dangerous\","
      "\"risk_note\":\"r\",\"ports\":[{\"protocol\":\"tcp\",\"ports\":\"445\",\"exposure\":\"internet\",\"purpose\":\"p\"}]}]}",
      routers_ok, "instead" },
    { "{\"version\":1,\"categories\":[],\"services\":[]}", "{\"version\":1,\"routers\":[]}", "generic" },
    { "{\"version\":2,\"categories\":[],\"services\":[]}", routers_ok, "version" },
    { "[", routers_ok, "services.json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) services = g_bytes_new_static (cases[i].services, strlen (cases[i].services));
      g_autoptr(GBytes) routers = g_bytes_new_static (cases[i].routers, strlen (cases[i].routers));
      g_autoptr(SesameCatalog) catalog = NULL;
      g_autoptr(GError) error = NULL;

      catalog = sesame_catalog_new_from_bytes (services, routers, &error);
      g_test_message ("case %u: %s", i, error ? error->message : "(loaded)");
      g_assert_null (catalog);
      g_assert_error (error, SESAME_CATALOG_ERROR, SESAME_CATALOG_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

/* Each router's IPv6 firewall page, in both languages, read and checked */
static void
test_ipv6_filter (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SesameCatalog) catalog = sesame_catalog_load_default (&error);
  const SesameRouter *aterm, *generic;
  static const char services_ok[] = "{\"version\":1,\"categories\":[],\"services\":[]}";
  static const char * const bad[][2] = {
    { "\"ipv6_filter\":[]", "ipv6_filter" },
    { "\"ipv6_filter\":{\"page\":{\"en\":\"IPv6\",\"ja\":\"IPv6\"},\"menu_path\":{\"en\":[\"A\"],\"ja\":[\"A\"]},\"source\":null}",
      "uncertain must be" },
    { "\"ipv6_filter\":{\"page\":{\"en\":\"IPv6\",\"ja\":\"IPv6\"},\"menu_path\":{\"en\":[\"A\"],\"ja\":[\"A\"]},\"source\":null,\"uncertain\":false}",
      "needs its source" },
    { "\"ipv6_filter\":{\"page\":{\"en\":\"IPv6\"},\"menu_path\":{\"en\":[\"A\"],\"ja\":[\"A\"]},\"source\":null,\"uncertain\":true}",
      "ipv6_filter.page" },
    { "\"ipv6_filter\":{\"page\":{\"en\":\"IPv6\",\"ja\":\"IPv6\"},\"menu_path\":{\"en\":[],\"ja\":[\"A\"]},\"source\":null,\"uncertain\":true}",
      "ipv6_filter.menu_path" },
    { "\"ipv6_filter\":{\"page\":{\"en\":\"IPv6\",\"ja\":\"IPv6\"},\"menu_path\":{\"en\":[\"A\"],\"ja\":[\"A\"]},\"source\":null,\"uncertain\":true,\"open\":1}",
      "does not know" },
  };

  g_assert_no_error (error);
  aterm = sesame_catalog_lookup_router (catalog, "nec-aterm");
  g_assert_cmpstr (sesame_text_get (&aterm->ipv6_filter_page, "ja"), ==, "IPv6パケットフィルタ設定");
  g_assert_cmpstr (sesame_router_get_ipv6_filter_path (aterm, "ja")[1], ==, "詳細設定");
  g_assert_false (aterm->ipv6_filter_uncertain);
  g_assert_nonnull (aterm->ipv6_filter_source);
  generic = sesame_catalog_lookup_router (catalog, "generic");
  g_assert_nonnull (generic->ipv6_filter_page.en);
  g_assert_true (generic->ipv6_filter_uncertain);
  /* An old router without IPv6: not known */
  g_assert_null (sesame_router_get_ipv6_filter_path (sesame_catalog_lookup_router (catalog, "buffalo-bbr-4mg"), "en"));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *routers_json = g_strdup_printf (
        "{\"version\":1,\"routers\":[{\"id\":\"generic\",\"vendor\":{\"en\":\"Other\",\"ja\":\"その他\"},"
        "\"model\":{\"en\":\"Router\",\"ja\":\"ルーター\"},\"market\":\"global\",\"lan_address\":\"192.168.1.1\","
        "\"admin_url\":\"http://192.168.1.1/\",\"forwarding_page\":{\"en\":\"Port forwarding\",\"ja\":\"ポート転送\"},"
        "\"menu_path\":{\"en\":[\"Advanced\"],\"ja\":[\"詳細設定\"]},\"upnp_igd\":\"unknown\",\"nat_pmp\":\"unknown\","
        "\"pcp\":\"unknown\",\"port_ranges\":\"unknown\",\"uncertain\":[],\"sources\":[],%s}]}", bad[i][0]);
      g_autoptr(GBytes) services = g_bytes_new_static (services_ok, strlen (services_ok));
      g_autoptr(GBytes) routers = g_bytes_new (routers_json, strlen (routers_json));
      g_autoptr(GError) local_error = NULL;
      g_autoptr(SesameCatalog) refused = sesame_catalog_new_from_bytes (services, routers, &local_error);

      g_test_message ("ipv6_filter case %u: %s", i, local_error ? local_error->message : "(loaded)");
      g_assert_null (refused);
      g_assert_nonnull (strstr (local_error->message, bad[i][1]));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/catalog/services", test_services);
  g_test_add_func ("/catalog/ichat", test_ichat);
  g_test_add_func ("/catalog/routers", test_routers);
  g_test_add_func ("/catalog/translated", test_translated);
  g_test_add_func ("/catalog/invalid", test_invalid);
  g_test_add_func ("/catalog/ipv6-filter", test_ipv6_filter);

  return g_test_run ();
}
