/* test-port-mapper.c: the plan's rows added to and removed from the fake
 * routers of fake-routers.c: a UPnP IGD on loopback (in a network namespace
 * of the test's own) and a NAT-PMP / PCP router on a loopback UDP port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "fake-routers.h"
#include "sesame-port-mapper.h"

#define SAFETY_S 20   /* a test that waits longer has hung */

typedef struct
{
  GAsyncResult  *result;
  guint          n_started;
  guint          n_done;
  GCancellable  *cancel_on_start;  /* nullable: cancelled at the first mapping-started */
} Waiter;

static void
on_result (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *waiter = user_data;

  g_assert_null (waiter->result);
  waiter->result = g_object_ref (result);
}

static void
on_started (SesamePortMapper *mapper,
            guint             index,
            Waiter           *waiter)
{
  waiter->n_started++;
  if (waiter->cancel_on_start != NULL)
    g_cancellable_cancel (waiter->cancel_on_start);
}

static void
on_done (SesamePortMapper *mapper,
         guint             index,
         Waiter           *waiter)
{
  waiter->n_done++;
}

static gboolean
on_guard (gpointer user_data)
{
  g_error ("the test waited %u s for the mapper", SAFETY_S);
  return G_SOURCE_REMOVE;
}

static gboolean
run (SesamePortMapper  *mapper,
     GPtrArray         *mappings,
     gboolean           removing,
     GCancellable      *cancellable,
     Waiter            *waiter,
     GError           **error)
{
  guint guard = g_timeout_add_seconds (SAFETY_S, on_guard, NULL);
  gulong started = g_signal_connect (mapper, "mapping-started", G_CALLBACK (on_started), waiter);
  gulong done = g_signal_connect (mapper, "mapping-done", G_CALLBACK (on_done), waiter);
  gboolean ok;

  g_clear_object (&waiter->result);
  waiter->n_started = waiter->n_done = 0;
  if (removing)
    sesame_port_mapper_remove_async (mapper, mappings, cancellable, on_result, waiter);
  else
    sesame_port_mapper_add_async (mapper, mappings, cancellable, on_result, waiter);
  while (waiter->result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (guard);
  g_signal_handler_disconnect (mapper, started);
  g_signal_handler_disconnect (mapper, done);

  ok = removing ? sesame_port_mapper_remove_finish (mapper, waiter->result, error)
                : sesame_port_mapper_add_finish (mapper, waiter->result, error);
  g_clear_object (&waiter->result);
  return ok;
}

static GPtrArray *
new_mappings (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_port_mapping_unref);
}

static SesamePortMapping *
mapping_at (GPtrArray *mappings,
            guint      i)
{
  return g_ptr_array_index (mappings, i);
}

/* Which protocol the mappings go over */

static void
test_kind (void)
{
  g_autoptr(SesameProbeReport) report = sesame_probe_report_new ();

  g_assert_cmpint (sesame_port_mapper_kind_for_report (NULL), ==, SESAME_PORT_MAPPER_NONE);
  g_assert_cmpint (sesame_port_mapper_kind_for_report (report), ==, SESAME_PORT_MAPPER_NONE);
  g_assert_null (sesame_port_mapper_protocol_name (report));

  /* PCP answered with a refusal: it speaks PCP but will not map with it */
  report->pcp_found = TRUE;
  report->pcp_error = g_strdup ("not authorized");
  g_assert_cmpint (sesame_port_mapper_kind_for_report (report), ==, SESAME_PORT_MAPPER_NONE);
  g_assert_null (sesame_port_mapper_protocol_name (report));

  report->natpmp_found = TRUE;
  report->natpmp_external_address = g_strdup ("203.0.113.2");
  g_assert_cmpint (sesame_port_mapper_kind_for_report (report), ==, SESAME_PORT_MAPPER_PMP);
  g_assert_cmpstr (sesame_port_mapper_protocol_name (report), ==, "NAT-PMP");

  g_clear_pointer (&report->pcp_error, g_free);
  report->pcp_external_address = g_strdup ("203.0.113.2");
  g_assert_cmpstr (sesame_port_mapper_protocol_name (report), ==, "PCP");

  report->upnp_found = TRUE;
  g_assert_cmpint (sesame_port_mapper_kind_for_report (report), ==, SESAME_PORT_MAPPER_UPNP);
  g_assert_cmpstr (sesame_port_mapper_protocol_name (report), ==, "UPnP IGD");
}

/* UPnP */

static SesameProbeReport *
upnp_report (const char *gateway,
             const char *igd_host)
{
  SesameProbeReport *report = sesame_probe_report_new ();

  report->upnp_found = TRUE;
  report->gateway = g_strdup (gateway);
  report->upnp_host = g_strdup (igd_host);
  report->upnp_is_gateway = g_strcmp0 (gateway, igd_host) == 0;
  return report;
}

static void
test_upnp_add_remove (void)
{
  g_autoptr(FakeIgd) fake = NULL;
  g_autoptr(SesameProbeReport) report = NULL;
  g_autoptr(SesamePortMapper) mapper = NULL;
  g_autoptr(GPtrArray) mappings = new_mappings ();
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };
  GStrv entry;

  if (skip_without_network ())
    return;

  fake = fake_igd_new ("Fake router");
  /* Someone else's mapping holds external port 2222 */
  fake_add_entry (fake, "", "2222", "TCP", "22", "192.168.1.99", "1", "theirs", "0");

  report = upnp_report ("127.0.0.1", "127.0.0.1");
  mapper = sesame_port_mapper_new (report, "lo");
  g_assert_cmpint (sesame_port_mapper_get_kind (mapper), ==, SESAME_PORT_MAPPER_UPNP);

  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_TCP, 8080, 80, "192.168.1.10", "Sesame: http"));
  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_TCP, 2222, 22, "192.168.1.10", "Sesame: ssh"));
  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_UDP, 8080, 80, "192.168.1.10", "Sesame: http"));

  g_assert_true (run (mapper, mappings, FALSE, NULL, &waiter, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (waiter.n_started, ==, 3);
  g_assert_cmpuint (waiter.n_done, ==, 3);

  g_assert_cmpint (mapping_at (mappings, 0)->state, ==, SESAME_PORT_MAPPING_ADDED);
  g_assert_cmpstr (mapping_at (mappings, 0)->via, ==, "upnp");
  g_assert_cmpuint (mapping_at (mappings, 0)->granted_port, ==, 8080);
  g_assert_cmpuint (mapping_at (mappings, 0)->lifetime, ==, SESAME_PORT_MAPPER_LEASE);
  /* The router refused the taken port, and says why */
  g_assert_cmpint (mapping_at (mappings, 1)->state, ==, SESAME_PORT_MAPPING_REFUSED);
  g_assert_nonnull (mapping_at (mappings, 1)->reason);
  g_assert_cmpint (mapping_at (mappings, 2)->state, ==, SESAME_PORT_MAPPING_ADDED);

  /* On the router, as agreed, with a finite lease */
  entry = find_entry (fake, "TCP", "8080", NULL);
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry[F_INTERNAL_CLIENT], ==, "192.168.1.10");
  g_assert_cmpstr (entry[F_INTERNAL_PORT], ==, "80");
  g_assert_cmpstr (entry[F_DESCRIPTION], ==, "Sesame: http");
  g_assert_cmpstr (entry[F_LEASE], ==, "604800");
  g_assert_nonnull (find_entry (fake, "UDP", "8080", NULL));
  g_assert_cmpuint (fake->entries->len, ==, 3);

  /* Removing takes away what Sesame added and nothing else */
  g_assert_true (run (mapper, mappings, TRUE, NULL, &waiter, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (waiter.n_done, ==, 2);
  g_assert_cmpint (mapping_at (mappings, 0)->state, ==, SESAME_PORT_MAPPING_REMOVED);
  g_assert_cmpint (mapping_at (mappings, 1)->state, ==, SESAME_PORT_MAPPING_REFUSED);
  g_assert_cmpint (mapping_at (mappings, 2)->state, ==, SESAME_PORT_MAPPING_REMOVED);
  g_assert_cmpuint (fake->entries->len, ==, 1);
  g_assert_cmpstr (((GStrv) g_ptr_array_index (fake->entries, 0))[F_DESCRIPTION], ==, "theirs");
}

/* A removal the router refuses leaves the mapping added, with the reason */
static void
test_upnp_remove_refused (void)
{
  g_autoptr(FakeIgd) fake = NULL;
  g_autoptr(SesameProbeReport) report = NULL;
  g_autoptr(SesamePortMapper) mapper = NULL;
  g_autoptr(GPtrArray) mappings = new_mappings ();
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };

  if (skip_without_network ())
    return;

  fake = fake_igd_new ("Fake router");
  report = upnp_report ("127.0.0.1", "127.0.0.1");
  mapper = sesame_port_mapper_new (report, "lo");
  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_TCP, 8443, 443, "192.168.1.10", "Sesame: https"));

  g_assert_true (run (mapper, mappings, FALSE, NULL, &waiter, &error));
  g_assert_cmpint (mapping_at (mappings, 0)->state, ==, SESAME_PORT_MAPPING_ADDED);

  fake->refuse_code = 606;
  g_assert_true (run (mapper, mappings, TRUE, NULL, &waiter, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mapping_at (mappings, 0)->state, ==, SESAME_PORT_MAPPING_ADDED);
  g_assert_nonnull (mapping_at (mappings, 0)->reason);
  g_assert_nonnull (find_entry (fake, "TCP", "8443", NULL));
}

/* The person agreed to an IGD that is not the gateway: that one is asked,
 * and only that one */
static void
test_upnp_named_host (void)
{
  g_autoptr(FakeIgd) fake = NULL;
  g_autoptr(SesameProbeReport) named = NULL;
  g_autoptr(SesameProbeReport) other = NULL;
  g_autoptr(SesamePortMapper) mapper = NULL;
  g_autoptr(GPtrArray) mappings = new_mappings ();
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };

  if (skip_without_network ())
    return;

  fake = fake_igd_new ("Fake router");

  /* Another device: the fake is not it, so nothing is added there */
  other = upnp_report ("127.0.0.1", "127.0.0.9");
  mapper = sesame_port_mapper_new (other, "lo");
  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_TCP, 8080, 80, "192.168.1.10", "Sesame: http"));
  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_TCP, 8081, 81, "192.168.1.10", "Sesame: http"));
  g_assert_true (run (mapper, mappings, FALSE, NULL, &waiter, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mapping_at (mappings, 0)->state, ==, SESAME_PORT_MAPPING_REFUSED);
  g_assert_nonnull (mapping_at (mappings, 0)->reason);
  g_assert_cmpint (mapping_at (mappings, 1)->state, ==, SESAME_PORT_MAPPING_REFUSED);
  g_assert_cmpuint (waiter.n_done, ==, 2);
  g_assert_cmpuint (fake->entries->len, ==, 0);
  g_clear_object (&mapper);
  g_ptr_array_set_size (mappings, 0);

  /* The fake named, with the gateway somewhere else */
  named = upnp_report ("192.0.2.1", "127.0.0.1");
  mapper = sesame_port_mapper_new (named, "lo");
  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_TCP, 8080, 80, "192.168.1.10", "Sesame: http"));
  g_assert_true (run (mapper, mappings, FALSE, NULL, &waiter, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mapping_at (mappings, 0)->state, ==, SESAME_PORT_MAPPING_ADDED);
  g_assert_nonnull (find_entry (fake, "TCP", "8080", NULL));
}

/* NAT-PMP and PCP */

static SesameProbeReport *
pmp_report (gboolean pcp_refused)
{
  SesameProbeReport *report = sesame_probe_report_new ();

  report->gateway = g_strdup ("127.0.0.1");
  report->local_address = g_strdup ("127.0.0.1");
  report->natpmp_found = TRUE;
  report->natpmp_external_address = g_strdup ("203.0.113.2");
  report->pcp_found = TRUE;
  if (pcp_refused)
    report->pcp_error = g_strdup ("The router does not allow this computer to map ports");
  else
    report->pcp_external_address = g_strdup ("203.0.113.2");
  return report;
}

/* PCP answered the checks with a refusal: the mappings go over NAT-PMP,
 * PCP is not asked at all */
static void
test_pmp_refusal_is_not_can_map (void)
{
  FakeRouter *fake = fake_router_new ();
  g_autoptr(SesameProbeReport) report = pmp_report (TRUE);
  g_autoptr(SesamePortMapper) mapper = NULL;
  g_autoptr(GPtrArray) mappings = new_mappings ();
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };

  fake->pcp_result = SESAME_PCP_RESULT_NOT_AUTHORIZED;
  mapper = sesame_port_mapper_new (report, NULL);
  sesame_port_mapper_set_pmp_port (mapper, fake->port);
  g_assert_cmpint (sesame_port_mapper_get_kind (mapper), ==, SESAME_PORT_MAPPER_PMP);

  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_UDP, 51820, 51820, "127.0.0.1", "Sesame: wireguard"));
  g_assert_true (run (mapper, mappings, FALSE, NULL, &waiter, &error));
  g_assert_no_error (error);

  g_assert_cmpint (mapping_at (mappings, 0)->state, ==, SESAME_PORT_MAPPING_ADDED);
  g_assert_cmpstr (mapping_at (mappings, 0)->via, ==, "natpmp");
  /* The router's choice of port and lease are what the mapping says */
  g_assert_cmpuint (mapping_at (mappings, 0)->granted_port, ==, 51821);
  g_assert_cmpuint (mapping_at (mappings, 0)->lifetime, ==, SESAME_PORT_MAPPER_LEASE);
  g_assert_cmpuint (fake->n_pcp, ==, 0);
  g_assert_cmpuint (fake->n_natpmp, >=, 1);

  g_assert_true (run (mapper, mappings, TRUE, NULL, &waiter, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mapping_at (mappings, 0)->state, ==, SESAME_PORT_MAPPING_REMOVED);
  g_assert_cmpuint (fake->n_natpmp_delete, ==, 1);
  g_assert_cmpuint (fake->n_pcp_delete, ==, 0);

  g_clear_object (&mapper);
  fake_router_free (fake);
}

static void
test_pmp_pcp (void)
{
  FakeRouter *fake = fake_router_new ();
  g_autoptr(SesameProbeReport) report = pmp_report (FALSE);
  g_autoptr(SesamePortMapper) mapper = NULL;
  g_autoptr(GPtrArray) mappings = new_mappings ();
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };

  fake->granted_lifetime = 7200;
  mapper = sesame_port_mapper_new (report, NULL);
  sesame_port_mapper_set_pmp_port (mapper, fake->port);

  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_TCP, 443, 443, "127.0.0.1", "Sesame: https"));
  g_assert_true (run (mapper, mappings, FALSE, NULL, &waiter, &error));
  g_assert_no_error (error);
  g_assert_cmpint (mapping_at (mappings, 0)->state, ==, SESAME_PORT_MAPPING_ADDED);
  g_assert_cmpstr (mapping_at (mappings, 0)->via, ==, "pcp");
  g_assert_cmpuint (mapping_at (mappings, 0)->lifetime, ==, 7200);
  g_assert_cmpuint (fake->n_pcp, >=, 1);

  g_clear_object (&mapper);
  fake_router_free (fake);
}

/* Cancelled while the router says nothing: the mapping is still waiting */
static void
test_cancel (void)
{
  FakeRouter *fake = fake_router_new ();
  g_autoptr(SesameProbeReport) report = pmp_report (FALSE);
  g_autoptr(SesamePortMapper) mapper = NULL;
  g_autoptr(GPtrArray) mappings = new_mappings ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Waiter waiter = { 0 };

  fake->kind = FAKE_SILENT;
  mapper = sesame_port_mapper_new (report, NULL);
  sesame_port_mapper_set_pmp_port (mapper, fake->port);
  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_TCP, 443, 443, "127.0.0.1", "Sesame: https"));
  g_ptr_array_add (mappings, sesame_port_mapping_new (SESAME_PROTOCOL_TCP, 444, 444, "127.0.0.1", "Sesame: https"));

  waiter.cancel_on_start = cancellable;
  g_assert_false (run (mapper, mappings, FALSE, cancellable, &waiter, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (waiter.n_started, ==, 1);
  g_assert_cmpuint (waiter.n_done, ==, 0);
  g_assert_cmpint (mapping_at (mappings, 0)->state, ==, SESAME_PORT_MAPPING_WAITING);
  g_assert_cmpint (mapping_at (mappings, 1)->state, ==, SESAME_PORT_MAPPING_WAITING);

  g_clear_object (&mapper);
  fake_router_free (fake);
}

int
main (int   argc,
      char *argv[])
{
  enter_private_network ();

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/port-mapper/kind", test_kind);
  g_test_add_func ("/port-mapper/upnp/add-remove", test_upnp_add_remove);
  g_test_add_func ("/port-mapper/upnp/remove-refused", test_upnp_remove_refused);
  g_test_add_func ("/port-mapper/upnp/named-host", test_upnp_named_host);
  g_test_add_func ("/port-mapper/pmp/refusal-is-not-can-map", test_pmp_refusal_is_not_can_map);
  g_test_add_func ("/port-mapper/pmp/pcp", test_pmp_pcp);
  g_test_add_func ("/port-mapper/pmp/cancel", test_cancel);

  return g_test_run ();
}
