/* sesame-probe-session.c
 *
 * One run of the network checks for a window: it starts the prober for the
 * plan's ports and the servers from the preferences, forwards its partial
 * reports (::updated) and the last one (::finished), runs again when the
 * plan's ports change or after Sesame changed the mappings, and keeps the
 * mappings the wizard added (which NAT-PMP and PCP cannot list) in every
 * report until their leases end. It also reads the servers people type
 * (--stun, --ip-url, --check-url, --reflector) once for the command line
 * and the preferences.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-probe-session"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-checklist.h"
#include "sesame-probe-session.h"
#include "sesame-prober.h"

struct _SesameProbeSession
{
  GObject             parent_instance;

  GStrv               stun_servers;
  GStrv               ip_urls;
  char               *check_url;     /* nullable: no test from outside */
  gboolean            internet;
  guint               deadline_ms;

  SesameProber       *prober;        /* nullable: the run in progress */
  GCancellable       *cancellable;   /* nullable: the run in progress */
  char               *ports_key;     /* nullable: the ports of the current or last run */
  SesameProbeReport  *report;        /* nullable: the last finished report */
  gboolean            stale;         /* the network changed since the report was made */
  gboolean            stale_mappings;       /* … because Sesame changed the router's mappings */
  GPtrArray          *added;         /* element-type SesameAddedMapping: the mappings the
                                      * wizard added on the router and has not removed */
  guint               network_changes;      /* counted by mark_stale() */
  guint               run_network_changes;  /* network_changes when the run in progress started */
};

G_DEFINE_FINAL_TYPE (SesameProbeSession, sesame_probe_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_STALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  UPDATED,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sesame_probe_session_dispose (GObject *object)
{
  SesameProbeSession *self = SESAME_PROBE_SESSION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->prober);

  G_OBJECT_CLASS (sesame_probe_session_parent_class)->dispose (object);
}

static void
sesame_probe_session_finalize (GObject *object)
{
  SesameProbeSession *self = SESAME_PROBE_SESSION (object);

  g_strfreev (self->stun_servers);
  g_strfreev (self->ip_urls);
  g_free (self->check_url);
  g_free (self->ports_key);
  g_clear_pointer (&self->report, sesame_probe_report_free);
  g_clear_pointer (&self->added, g_ptr_array_unref);

  G_OBJECT_CLASS (sesame_probe_session_parent_class)->finalize (object);
}

static void
sesame_probe_session_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SesameProbeSession *self = SESAME_PROBE_SESSION (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, sesame_probe_session_get_running (self));
      break;

    case PROP_STALE:
      g_value_set_boolean (value, self->stale);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_probe_session_class_init (SesameProbeSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sesame_probe_session_dispose;
  object_class->finalize = sesame_probe_session_finalize;
  object_class->get_property = sesame_probe_session_get_property;

  /**
   * SesameProbeSession:running:
   *
   * Whether a run is in progress.
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SesameProbeSession:stale:
   *
   * Whether the network changed (a cable, Wi-Fi, another router) since the
   * report was made, so that what it says may no longer hold. A run that
   * ends after the change makes it fresh again.
   */
  properties[PROP_STALE] =
    g_param_spec_boolean ("stale", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SesameProbeSession::updated:
   * @section: "local", "external", "nat", "router", "access" or "ports"
   *
   * The run in progress has new findings in @section; the report from
   * sesame_probe_session_get_report() has them.
   */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * SesameProbeSession::finished:
   *
   * A run has ended and its report is the session's report. A cancelled
   * run ends without it.
   */
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sesame_probe_session_init (SesameProbeSession *self)
{
  const char *check_url = sesame_prober_get_default_check_url ();

  self->stun_servers = g_strdupv ((char **) sesame_prober_get_default_stun_servers ());
  self->ip_urls = g_strdupv ((char **) sesame_prober_get_default_ip_urls ());
  self->check_url = check_url != NULL ? g_strdup (check_url) : NULL;
  self->internet = TRUE;
  self->deadline_ms = SESAME_PROBER_DEFAULT_DEADLINE_MS;
  self->added = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_added_mapping_free);
}

SesameProbeSession *
sesame_probe_session_new (void)
{
  return g_object_new (SESAME_TYPE_PROBE_SESSION, NULL);
}

void
sesame_probe_session_set_stun_servers (SesameProbeSession *self,
                                       const char * const *servers)
{
  static const char * const none[] = { NULL };

  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));

  g_strfreev (self->stun_servers);
  self->stun_servers = g_strdupv ((char **) (servers != NULL ? servers : none));
}

const char * const *
sesame_probe_session_get_stun_servers (SesameProbeSession *self)
{
  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), NULL);

  return (const char * const *) self->stun_servers;
}

void
sesame_probe_session_set_ip_urls (SesameProbeSession *self,
                                  const char * const *urls)
{
  static const char * const none[] = { NULL };

  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));

  g_strfreev (self->ip_urls);
  self->ip_urls = g_strdupv ((char **) (urls != NULL ? urls : none));
}

const char * const *
sesame_probe_session_get_ip_urls (SesameProbeSession *self)
{
  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), NULL);

  return (const char * const *) self->ip_urls;
}

/**
 * sesame_probe_session_set_check_url:
 * @self: a session
 * @template: (nullable): the port check service, with {port} and {proto};
 *   %NULL or "" for none
 */
void
sesame_probe_session_set_check_url (SesameProbeSession *self,
                                    const char         *template)
{
  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));

  g_free (self->check_url);
  self->check_url = template != NULL && *template != '\0' ? g_strdup (template) : NULL;
}

const char *
sesame_probe_session_get_check_url (SesameProbeSession *self)
{
  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), NULL);

  return self->check_url;
}

/**
 * sesame_probe_session_set_internet:
 * @self: a session
 * @allowed: whether runs may contact servers on the internet
 *
 * With %FALSE only this computer and the router are asked.
 */
void
sesame_probe_session_set_internet (SesameProbeSession *self,
                                   gboolean            allowed)
{
  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));

  self->internet = !!allowed;
}

gboolean
sesame_probe_session_get_internet (SesameProbeSession *self)
{
  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), FALSE);

  return self->internet;
}

void
sesame_probe_session_set_deadline (SesameProbeSession *self,
                                   guint               deadline_ms)
{
  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));
  g_return_if_fail (deadline_ms > 0);

  self->deadline_ms = deadline_ms;
}

void
sesame_probe_server_free (SesameProbeServer *server)
{
  if (server == NULL)
    return;

  g_free (server->server);
  g_free (server->purpose);
  g_free (server);
}

static void
add_server (GPtrArray  *servers,
            const char *server,
            const char *purpose)
{
  SesameProbeServer *entry = g_new0 (SesameProbeServer, 1);

  entry->server = g_strdup (server);
  entry->purpose = g_strdup (purpose);
  g_ptr_array_add (servers, entry);
}

/**
 * sesame_probe_session_list_servers:
 * @self: a session
 *
 * Every server on the internet a run contacts, with what for; empty when
 * the internet is not to be contacted.
 *
 * Returns: (transfer container) (element-type SesameProbeServer): the servers
 */
GPtrArray *
sesame_probe_session_list_servers (SesameProbeSession *self)
{
  GPtrArray *servers;

  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), NULL);

  servers = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_probe_server_free);
  if (!self->internet)
    return servers;

  for (guint i = 0; self->stun_servers[i] != NULL; i++)
    add_server (servers, self->stun_servers[i],
                _("STUN: your public address and how your router translates addresses"));
  for (guint i = 0; self->ip_urls[i] != NULL; i++)
    /* Said as it is: an http:// address is not encrypted */
    add_server (servers, self->ip_urls[i],
                g_ascii_strncasecmp (self->ip_urls[i], "https://", 8) == 0
                  ? _("Your public address, over HTTPS")
                  : _("Your public address, over plain HTTP, unencrypted"));
  if (self->check_url != NULL)
    add_server (servers, self->check_url, _("Whether the ports you open can be reached from outside"));

  return servers;
}

/* The plan's ports as a prober checks them, in a form to compare runs by */
static char *
ports_key (GPtrArray *forwards)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; forwards != NULL && i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);

      g_string_append_printf (key, "%s/%u-%u ",
                              sesame_protocol_to_string (forward->protocol),
                              forward->internal.first, forward->internal.last);
    }

  return g_string_free (key, FALSE);
}

static void
set_stale (SesameProbeSession *self,
           gboolean            stale)
{
  if (self->stale == stale)
    return;

  self->stale = stale;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
}

static void
on_prober_updated (SesameProbeSession *self,
                   const char         *section,
                   SesameProber       *prober)
{
  /* A cancelled run may still report on its way out */
  if (prober == self->prober)
    g_signal_emit (self, signals[UPDATED], 0, section);
}

/* The mappings the wizard added, which NAT-PMP and PCP cannot list, into
 * @report, as long as they last */
static void
merge_added (SesameProbeSession *self,
             SesameProbeReport  *report)
{
  gint64 now = sesame_probe_report_get_time (report);

  if (now == 0)
    now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < self->added->len; i++)
    {
      const SesameAddedMapping *mapping = g_ptr_array_index (self->added, i);
      gboolean listed = FALSE;

      for (guint j = 0; j < report->added_mappings->len && !listed; j++)
        {
          const SesameAddedMapping *have = g_ptr_array_index (report->added_mappings, j);

          listed = have->external_port == mapping->external_port && g_strcmp0 (have->protocol, mapping->protocol) == 0;
        }
      if (!listed && mapping->ends > now)
        sesame_probe_report_add_added_mapping (report, mapping);
    }
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(SesameProbeSession) self = user_data;
  g_autoptr(SesameProbeReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = sesame_prober_run_finish (SESAME_PROBER (object), result, &error);

  /* Cancelled, or replaced by a newer run: that one reports */
  if (SESAME_PROBER (object) != self->prober)
    return;

  g_clear_object (&self->prober);
  g_clear_object (&self->cancellable);

  if (report == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The network checks failed: %s", error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
      return;
    }

  merge_added (self, report);

  g_clear_pointer (&self->report, sesame_probe_report_free);
  self->report = g_steal_pointer (&report);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  set_stale (self, self->run_network_changes != self->network_changes);
  g_signal_emit (self, signals[FINISHED], 0);
}

/**
 * sesame_probe_session_start:
 * @self: a session
 * @plan: (nullable): the plan whose ports to check; %NULL for none
 * @catalog: (nullable): the catalog, needed with @plan
 *
 * Starts a run, cancelling the one in progress quietly.
 */
void
sesame_probe_session_start (SesameProbeSession *self,
                            SesamePlan         *plan,
                            SesameCatalog      *catalog)
{
  static const char * const none[] = { NULL };
  g_autoptr(SesameChecklist) checklist = NULL;
  gboolean was_running;

  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));
  g_return_if_fail (plan == NULL || SESAME_IS_PLAN (plan));
  g_return_if_fail (plan == NULL || SESAME_IS_CATALOG (catalog));

  was_running = self->prober != NULL;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->prober);

  self->prober = sesame_prober_new ();
  self->cancellable = g_cancellable_new ();
  self->run_network_changes = self->network_changes;

  sesame_prober_set_internet (self->prober, self->internet);
  sesame_prober_set_stun_servers (self->prober, self->internet ? (const char * const *) self->stun_servers : none);
  sesame_prober_set_ip_urls (self->prober, self->internet ? (const char * const *) self->ip_urls : none);
  sesame_prober_set_check_url (self->prober, self->internet ? self->check_url : NULL);
  sesame_prober_set_deadline (self->prober, self->deadline_ms);

  /* A plan that is not whole yet (no host address) has no ports to check */
  if (plan != NULL)
    checklist = sesame_checklist_new (plan, catalog, "en", NULL);
  if (checklist != NULL)
    sesame_prober_add_forwards (self->prober, sesame_checklist_get_forwards (checklist));
  g_free (self->ports_key);
  self->ports_key = ports_key (checklist != NULL ? sesame_checklist_get_forwards (checklist) : NULL);

  g_signal_connect_object (self->prober, "updated",
                           G_CALLBACK (on_prober_updated), self,
                           G_CONNECT_SWAPPED);
  sesame_prober_run_async (self->prober, self->cancellable, run_cb, g_object_ref (self));

  if (!was_running)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * sesame_probe_session_ensure:
 * @self: a session
 * @plan: the plan whose ports to check
 * @catalog: the catalog
 *
 * Starts a run unless the current or last one checked the same ports.
 *
 * Returns: whether a run was started
 */
gboolean
sesame_probe_session_ensure (SesameProbeSession *self,
                             SesamePlan         *plan,
                             SesameCatalog      *catalog)
{
  g_autoptr(SesameChecklist) checklist = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), FALSE);
  g_return_val_if_fail (SESAME_IS_PLAN (plan), FALSE);
  g_return_val_if_fail (SESAME_IS_CATALOG (catalog), FALSE);

  checklist = sesame_checklist_new (plan, catalog, "en", NULL);
  key = ports_key (checklist != NULL ? sesame_checklist_get_forwards (checklist) : NULL);

  if ((self->prober != NULL || self->report != NULL) && g_strcmp0 (key, self->ports_key) == 0)
    return FALSE;

  sesame_probe_session_start (self, plan, catalog);
  return TRUE;
}

/**
 * sesame_probe_session_cancel:
 * @self: a session
 *
 * Stops the run in progress, quietly: no ::finished, the last finished
 * report stays.
 */
void
sesame_probe_session_cancel (SesameProbeSession *self)
{
  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));

  if (self->prober == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->prober);
  /* The next ensure() runs again: this run's ports were never checked */
  g_clear_pointer (&self->ports_key, g_free);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
sesame_probe_session_get_running (SesameProbeSession *self)
{
  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), FALSE);

  return self->prober != NULL;
}

/**
 * sesame_probe_session_mark_stale:
 * @self: a session
 *
 * Says that the network changed (a cable, Wi-Fi, another router): the
 * report, and a run in progress, may describe a network that is gone.
 * #SesameProbeSession:stale holds until a run started after this ends.
 */
void
sesame_probe_session_mark_stale (SesameProbeSession *self)
{
  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));

  self->network_changes++;
  self->stale_mappings = FALSE;
  set_stale (self, TRUE);
}

/**
 * sesame_probe_session_get_stale_mappings:
 * @self: a session
 *
 * Returns: whether the report is stale because Sesame changed the
 *   router's port mappings (sesame_probe_session_mappings_changed())
 *   rather than because the network changed
 */
gboolean
sesame_probe_session_get_stale_mappings (SesameProbeSession *self)
{
  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), FALSE);

  return self->stale && self->stale_mappings;
}

/**
 * sesame_probe_session_note_mapping:
 * @self: a session
 * @mapping: a mapping the wizard has just added on the router; its end is
 *   counted from now when it has none
 *
 * Keeps @mapping for the reports of the runs that end from now on, and
 * the last finished one, for as long as its lease lasts.
 */
void
sesame_probe_session_note_mapping (SesameProbeSession       *self,
                                   const SesameAddedMapping *mapping)
{
  SesameAddedMapping *copy;

  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));
  g_return_if_fail (mapping != NULL && mapping->protocol != NULL);

  sesame_probe_session_forget_mapping (self, mapping->protocol, mapping->external_port);
  copy = sesame_added_mapping_copy (mapping);
  if (copy->ends == 0 && copy->lease > 0)
    copy->ends = g_get_real_time () / G_USEC_PER_SEC + copy->lease;
  g_ptr_array_add (self->added, copy);

  if (self->report != NULL)
    sesame_probe_report_add_added_mapping (self->report, copy);
}

/**
 * sesame_probe_session_forget_mapping:
 * @self: a session
 * @protocol: "tcp" or "udp"
 * @external_port: the port of a mapping the wizard removed from the router
 */
void
sesame_probe_session_forget_mapping (SesameProbeSession *self,
                                     const char         *protocol,
                                     guint16             external_port)
{
  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));
  g_return_if_fail (protocol != NULL);

  for (guint i = 0; i < self->added->len; i++)
    {
      const SesameAddedMapping *have = g_ptr_array_index (self->added, i);

      if (have->external_port == external_port && g_strcmp0 (have->protocol, protocol) == 0)
        {
          g_ptr_array_remove_index (self->added, i);
          break;
        }
    }

  if (self->report != NULL)
    sesame_probe_report_remove_added_mapping (self->report, protocol, external_port);
}

/**
 * sesame_probe_session_mappings_changed:
 * @self: a session
 * @plan: the plan whose ports to check
 * @catalog: the catalog
 *
 * Says that Sesame has added or removed port mappings on the router: what
 * the report says of the ports, the router and what to do no longer holds.
 * Marks the report stale, as sesame_probe_session_mark_stale() does, and
 * runs the checks again.
 */
void
sesame_probe_session_mappings_changed (SesameProbeSession *self,
                                       SesamePlan         *plan,
                                       SesameCatalog      *catalog)
{
  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));

  self->network_changes++;
  self->stale_mappings = TRUE;
  if (self->stale)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STALE]);
  else
    set_stale (self, TRUE);

  sesame_probe_session_start (self, plan, catalog);
}

gboolean
sesame_probe_session_get_stale (SesameProbeSession *self)
{
  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), FALSE);

  return self->stale;
}

/**
 * sesame_probe_session_get_finished:
 * @self: a session
 *
 * Returns: whether the report is a finished one (no run in progress, and
 *   one has ended or a report was set)
 */
gboolean
sesame_probe_session_get_finished (SesameProbeSession *self)
{
  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), FALSE);

  return self->prober == NULL && self->report != NULL;
}

/**
 * sesame_probe_session_get_report:
 * @self: a session
 *
 * Returns: (transfer none) (nullable): the report of the run in progress
 *   as far as it has got, else the last finished one, else %NULL
 */
const SesameProbeReport *
sesame_probe_session_get_report (SesameProbeSession *self)
{
  const SesameProbeReport *report;

  g_return_val_if_fail (SESAME_IS_PROBE_SESSION (self), NULL);

  if (self->prober != NULL && (report = sesame_prober_peek_report (self->prober)) != NULL)
    return report;

  return self->report;
}

/**
 * sesame_probe_session_set_report:
 * @self: a session
 * @report: (transfer full): a finished report, e.g. one saved by an earlier run
 *
 * Makes @report the last finished report and emits ::finished, as if a run
 * had just ended with it. A run in progress goes on.
 */
void
sesame_probe_session_set_report (SesameProbeSession *self,
                                 SesameProbeReport  *report)
{
  g_return_if_fail (SESAME_IS_PROBE_SESSION (self));
  g_return_if_fail (report != NULL);

  g_clear_pointer (&self->report, sesame_probe_report_free);
  self->report = report;
  merge_added (self, report);

  g_signal_emit (self, signals[FINISHED], 0);
}

/* What people type for servers, checked once for the command line and the
 * preferences alike */

/**
 * sesame_probe_session_check_stun_server:
 * @server: HOST or HOST:PORT as typed
 * @error: return location for a #GError (G_IO_ERROR_INVALID_ARGUMENT)
 *
 * Returns: whether @server names a STUN server
 */
gboolean
sesame_probe_session_check_stun_server (const char  *server,
                                        GError     **error)
{
  g_autoptr(GSocketConnectable) address = NULL;

  g_return_val_if_fail (server != NULL, FALSE);

  if (*server == '\0' || strpbrk (server, " \t/") != NULL ||
      !(address = g_network_address_parse (server, 3478, NULL)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is what was typed */
                   _("“%s” is not a STUN server; use HOST or HOST:PORT"), server);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_web_address (const char *url)
{
  return (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://")) &&
         g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL);
}

/**
 * sesame_probe_session_check_ip_url:
 * @url: an address service as typed
 * @error: return location for a #GError (G_IO_ERROR_INVALID_ARGUMENT)
 *
 * Returns: whether @url is an http:// or https:// address
 */
gboolean
sesame_probe_session_check_ip_url (const char  *url,
                                   GError     **error)
{
  g_return_val_if_fail (url != NULL, FALSE);

  if (!is_web_address (url))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is what was typed */
                   _("“%s” is not a web address; use http:// or https://"), url);
      return FALSE;
    }

  return TRUE;
}

/**
 * sesame_probe_session_check_check_url:
 * @template: a port check service as typed; "" for none
 * @error: return location for a #GError (G_IO_ERROR_INVALID_ARGUMENT)
 *
 * Returns: whether @template is empty, or a web address with {port}
 */
gboolean
sesame_probe_session_check_check_url (const char  *template,
                                      GError     **error)
{
  g_return_val_if_fail (template != NULL, FALSE);

  if (*template == '\0')
    return TRUE;

  if (strstr (template, "{port}") == NULL ||
      !(g_str_has_prefix (template, "http://") || g_str_has_prefix (template, "https://")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   /* Translators: %s is what was typed; {port} stays as it is */
                   _("“%s” is not a port check address; it needs http:// or https:// and {port}"), template);
      return FALSE;
    }

  return TRUE;
}
