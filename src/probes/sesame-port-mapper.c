/* sesame-port-mapper.c
 *
 * The plan's forwarding rows added to the router and removed again, one
 * request at a time, in the order given, with a finite lease
 * (%SESAME_PORT_MAPPER_LEASE): over UPnP to the gateway's IGD, or only to
 * the IGD the person agreed to when it is not the gateway; otherwise over
 * PCP or NAT-PMP, only those of the two that can map (a router that
 * answered with a refusal speaks the protocol but will not map with it).
 * Each mapping says what became of it (added, refused with the router's
 * reason, removed); "mapping-started" and "mapping-done" tell of each as
 * it goes. No GTK: the checklist page shows it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-port-mapper"

#include "config.h"

#include <string.h>

#include "sesame-pmp-client.h"
#include "sesame-port-mapper.h"
#include "sesame-upnp-client.h"

/* One mapping */

G_DEFINE_BOXED_TYPE (SesamePortMapping, sesame_port_mapping, sesame_port_mapping_ref, sesame_port_mapping_unref)

SesamePortMapping *
sesame_port_mapping_new (SesameProtocol  protocol,
                         guint16         external_port,
                         guint16         internal_port,
                         const char     *internal_address,
                         const char     *description)
{
  SesamePortMapping *mapping = g_new0 (SesamePortMapping, 1);

  g_atomic_ref_count_init (&mapping->ref_count);
  mapping->protocol = protocol;
  mapping->external_port = external_port;
  mapping->internal_port = internal_port;
  mapping->internal_address = g_strdup (internal_address);
  mapping->description = g_strdup (description);
  mapping->state = SESAME_PORT_MAPPING_WAITING;

  return mapping;
}

SesamePortMapping *
sesame_port_mapping_ref (SesamePortMapping *mapping)
{
  g_atomic_ref_count_inc (&mapping->ref_count);
  return mapping;
}

void
sesame_port_mapping_unref (SesamePortMapping *mapping)
{
  if (!g_atomic_ref_count_dec (&mapping->ref_count))
    return;

  g_free (mapping->internal_address);
  g_free (mapping->description);
  g_free (mapping->reason);
  g_free (mapping);
}

static void
set_reason (SesamePortMapping *mapping,
            const char        *reason)
{
  g_free (mapping->reason);
  mapping->reason = g_strdup (reason);
}

/* What the checks found */

/**
 * sesame_port_mapper_kind_for_report:
 * @report: (nullable): what the checks found
 *
 * Returns: how the router takes mapping requests, if it does
 */
SesamePortMapperKind
sesame_port_mapper_kind_for_report (const SesameProbeReport *report)
{
  if (report == NULL)
    return SESAME_PORT_MAPPER_NONE;
  if (report->upnp_found)
    return SESAME_PORT_MAPPER_UPNP;
  if (sesame_probe_report_pcp_can_map (report) || sesame_probe_report_natpmp_can_map (report))
    return SESAME_PORT_MAPPER_PMP;

  return SESAME_PORT_MAPPER_NONE;
}

/**
 * sesame_port_mapper_protocol_name:
 * @report: (nullable): what the checks found
 *
 * Returns: (nullable): "UPnP IGD", "PCP" or "NAT-PMP": the protocol the
 *   mappings would go over; %NULL when the router takes none
 */
const char *
sesame_port_mapper_protocol_name (const SesameProbeReport *report)
{
  switch (sesame_port_mapper_kind_for_report (report))
    {
    case SESAME_PORT_MAPPER_UPNP:
      return "UPnP IGD";
    case SESAME_PORT_MAPPER_PMP:
      return sesame_probe_report_pcp_can_map (report) ? "PCP" : "NAT-PMP";
    case SESAME_PORT_MAPPER_NONE:
    default:
      return NULL;
    }
}

/* What the router lists the mapping as: "Sesame: http, ssh" */
static char *
mapping_description (const SesameForward *forward)
{
  g_autoptr(GString) text = g_string_new ("Sesame");

  for (guint i = 0; i < forward->services->len; i++)
    {
      const char *id = g_ptr_array_index (forward->services, i);

      if (g_str_has_prefix (id, "custom:"))
        id += strlen ("custom:");
      g_string_append (text, i == 0 ? ": " : ", ");
      g_string_append (text, id);
    }

  /* Routers keep short descriptions */
  return g_utf8_substring (text->str, 0, MIN (g_utf8_strlen (text->str, -1), 60));
}

/**
 * sesame_port_mapper_plan:
 * @forwards: (element-type SesameForward): the checklist's forwarding rows
 * @report: what the checks found
 * @n_skipped: (out): how many rows span more than
 *   %SESAME_PORT_MAPPER_MAX_PORTS_PER_ROW ports, left to the person
 *
 * Returns: (transfer full) (element-type SesamePortMapping): one mapping
 *   per port of every other row, in order
 */
GPtrArray *
sesame_port_mapper_plan (GPtrArray               *forwards,
                         const SesameProbeReport *report,
                         guint                   *n_skipped)
{
  GPtrArray *mappings = g_ptr_array_new_with_free_func ((GDestroyNotify) sesame_port_mapping_unref);
  gboolean pmp = sesame_port_mapper_kind_for_report (report) == SESAME_PORT_MAPPER_PMP;

  *n_skipped = 0;

  for (guint i = 0; i < forwards->len; i++)
    {
      const SesameForward *forward = g_ptr_array_index (forwards, i);
      guint count = sesame_port_range_count (&forward->external);
      g_autofree char *description = NULL;

      if (count > SESAME_PORT_MAPPER_MAX_PORTS_PER_ROW)
        {
          (*n_skipped)++;
          continue;
        }

      description = mapping_description (forward);
      for (guint p = 0; p < count; p++)
        /* NAT-PMP and PCP map for the asking computer, which is the server */
        g_ptr_array_add (mappings,
                         sesame_port_mapping_new (forward->protocol,
                                                  (guint16) (forward->external.first + p),
                                                  (guint16) (forward->internal.first + p),
                                                  pmp ? report->local_address : forward->internal_address,
                                                  description));
    }

  return mappings;
}

/* The mapper */

struct _SesamePortMapper
{
  GObject               parent_instance;

  SesamePortMapperKind  kind;
  SesameUpnpClient     *upnp;         /* nullable: over UPnP */
  gboolean              discovered;   /* the IGD agreed to was found */
  SesamePmpClient      *pmp;          /* nullable: or over NAT-PMP / PCP */
  gboolean              busy;
};

G_DEFINE_FINAL_TYPE (SesamePortMapper, sesame_port_mapper, G_TYPE_OBJECT)

enum {
  SIGNAL_MAPPING_STARTED,
  SIGNAL_MAPPING_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What one _add_async () or _remove_async () goes through */
typedef struct
{
  GPtrArray  *mappings;   /* element-type SesamePortMapping */
  guint       next;
  gboolean    removing;
} Work;

static void
work_free (Work *work)
{
  g_ptr_array_unref (work->mappings);
  g_free (work);
}

static void
sesame_port_mapper_dispose (GObject *object)
{
  SesamePortMapper *self = SESAME_PORT_MAPPER (object);

  g_clear_object (&self->upnp);
  g_clear_object (&self->pmp);

  G_OBJECT_CLASS (sesame_port_mapper_parent_class)->dispose (object);
}

static void
sesame_port_mapper_class_init (SesamePortMapperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sesame_port_mapper_dispose;

  /**
   * SesamePortMapper::mapping-started:
   * @index: the mapping's place in the list given
   *
   * Sesame is asking the router for this mapping now.
   */
  signals[SIGNAL_MAPPING_STARTED] =
    g_signal_new ("mapping-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * SesamePortMapper::mapping-done:
   * @index: the mapping's place in the list given
   *
   * The router answered for this mapping: its state says how.
   */
  signals[SIGNAL_MAPPING_DONE] =
    g_signal_new ("mapping-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
sesame_port_mapper_init (SesamePortMapper *self)
{
}

/**
 * sesame_port_mapper_new:
 * @report: what the checks found: the router to ask and how
 * @interface: (nullable): the network interface to look for UPnP devices
 *   on, %NULL for the one to the gateway
 *
 * Over UPnP, only the IGD at the gateway, or the one at @report's
 * upnp_host (the one the person agreed to) is asked.
 *
 * Returns: (transfer full): a mapper, whose kind is
 *   %SESAME_PORT_MAPPER_NONE if the router takes no requests
 */
SesamePortMapper *
sesame_port_mapper_new (const SesameProbeReport *report,
                        const char              *interface)
{
  SesamePortMapper *self = g_object_new (SESAME_TYPE_PORT_MAPPER, NULL);
  g_autoptr(GInetAddress) local = NULL;

  g_return_val_if_fail (report != NULL, self);

  self->kind = sesame_port_mapper_kind_for_report (report);

  if (report->local_address != NULL)
    local = g_inet_address_new_from_string (report->local_address);

  if (self->kind == SESAME_PORT_MAPPER_UPNP)
    {
      self->upnp = sesame_upnp_client_new (interface, local);
      sesame_upnp_client_set_gateway (self->upnp, report->gateway);
      sesame_upnp_client_set_igd_host (self->upnp, report->upnp_host);
    }
  else if (self->kind == SESAME_PORT_MAPPER_PMP && report->gateway != NULL)
    {
      g_autoptr(GInetAddress) gateway = g_inet_address_new_from_string (report->gateway);

      if (gateway == NULL)
        {
          self->kind = SESAME_PORT_MAPPER_NONE;
          return self;
        }

      self->pmp = sesame_pmp_client_new (gateway, local);
      if (!sesame_probe_report_pcp_can_map (report))
        sesame_pmp_client_set_protocols (self->pmp, SESAME_PMP_PROTOCOLS_NATPMP);
      else if (!sesame_probe_report_natpmp_can_map (report))
        sesame_pmp_client_set_protocols (self->pmp, SESAME_PMP_PROTOCOLS_PCP);
    }
  else
    self->kind = SESAME_PORT_MAPPER_NONE;

  return self;
}

SesamePortMapperKind
sesame_port_mapper_get_kind (SesamePortMapper *self)
{
  g_return_val_if_fail (SESAME_IS_PORT_MAPPER (self), SESAME_PORT_MAPPER_NONE);

  return self->kind;
}

/**
 * sesame_port_mapper_set_pmp_port:
 * @self: a #SesamePortMapper
 * @port: the router's NAT-PMP / PCP port, for tests
 */
void
sesame_port_mapper_set_pmp_port (SesamePortMapper *self,
                                 guint16           port)
{
  g_return_if_fail (SESAME_IS_PORT_MAPPER (self));

  if (self->pmp != NULL)
    sesame_pmp_client_set_port (self->pmp, port);
}

/* One request at a time */

static void step (GTask *task);

static SesamePortMapping *
current (GTask *task)
{
  Work *work = g_task_get_task_data (task);

  return g_ptr_array_index (work->mappings, work->next);
}

/* Whether the work goes on after a request's answer */
static gboolean
answered (GTask        *task,
          const GError *error)
{
  SesamePortMapper *self = g_task_get_source_object (task);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TRUE;

  self->busy = FALSE;
  g_task_return_error (task, g_error_copy (error));
  g_object_unref (task);
  return FALSE;
}

static void
done_one (GTask *task)
{
  Work *work = g_task_get_task_data (task);

  g_signal_emit (g_task_get_source_object (task), signals[SIGNAL_MAPPING_DONE], 0, work->next);
  work->next++;
  step (task);
}

static void
on_upnp_added (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  SesamePortMapping *mapping;

  sesame_upnp_client_add_mapping_finish (SESAME_UPNP_CLIENT (object), result, &error);
  if (!answered (task, error))
    return;

  mapping = current (task);
  if (error != NULL)
    {
      mapping->state = SESAME_PORT_MAPPING_REFUSED;
      set_reason (mapping, error->message);
    }
  else
    {
      mapping->state = SESAME_PORT_MAPPING_ADDED;
      mapping->granted_port = mapping->external_port;
      mapping->lifetime = SESAME_PORT_MAPPER_LEASE;
      mapping->via = "upnp";
      set_reason (mapping, NULL);
    }

  done_one (task);
}

static void
on_pmp_added (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(SesamePmpMapping) granted = NULL;
  g_autoptr(GError) error = NULL;
  SesamePortMapping *mapping;

  granted = sesame_pmp_client_add_mapping_finish (SESAME_PMP_CLIENT (object), result, &error);
  if (!answered (task, error))
    return;

  mapping = current (task);
  if (granted == NULL)
    {
      mapping->state = SESAME_PORT_MAPPING_REFUSED;
      set_reason (mapping, error->message);
    }
  else
    {
      mapping->state = SESAME_PORT_MAPPING_ADDED;
      mapping->granted_port = granted->external_port;
      mapping->lifetime = granted->lifetime;
      mapping->via = granted->protocol == SESAME_PMP_PROTOCOL_PCP ? "pcp" : "natpmp";
      set_reason (mapping, NULL);
    }

  done_one (task);
}

static void
on_upnp_removed (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  SesamePortMapping *mapping;

  sesame_upnp_client_delete_mapping_finish (SESAME_UPNP_CLIENT (object), result, &error);
  if (!answered (task, error))
    return;

  mapping = current (task);
  /* Gone already (the router restarted, or the lease ended) is what was wanted */
  if (error == NULL || g_error_matches (error, SESAME_UPNP_ACTION_ERROR, SESAME_UPNP_ACTION_ERROR_NO_SUCH_ENTRY))
    {
      mapping->state = SESAME_PORT_MAPPING_REMOVED;
      set_reason (mapping, NULL);
    }
  else
    set_reason (mapping, error->message);

  done_one (task);
}

static void
on_pmp_removed (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;
  SesamePmpProtocol used;
  SesamePortMapping *mapping;

  sesame_pmp_client_remove_mapping_finish (SESAME_PMP_CLIENT (object), result, &used, &error);
  if (!answered (task, error))
    return;

  mapping = current (task);
  if (error == NULL)
    {
      mapping->state = SESAME_PORT_MAPPING_REMOVED;
      set_reason (mapping, NULL);
    }
  else
    set_reason (mapping, error->message);

  done_one (task);
}

static SesameUpnpProtocol
upnp_protocol (const SesamePortMapping *mapping)
{
  return mapping->protocol == SESAME_PROTOCOL_UDP ? SESAME_UPNP_PROTOCOL_UDP : SESAME_UPNP_PROTOCOL_TCP;
}

static SesamePmpTransport
pmp_transport (const SesamePortMapping *mapping)
{
  return mapping->protocol == SESAME_PROTOCOL_UDP ? SESAME_PMP_TRANSPORT_UDP : SESAME_PMP_TRANSPORT_TCP;
}

/* In the order given: adding, the mappings waiting; removing, those added */
static void
step (GTask *task)
{
  SesamePortMapper *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  Work *work = g_task_get_task_data (task);
  SesamePortMapping *mapping = NULL;

  for (; work->next < work->mappings->len; work->next++)
    {
      mapping = g_ptr_array_index (work->mappings, work->next);
      if (work->removing ? mapping->state == SESAME_PORT_MAPPING_ADDED
                         : mapping->state == SESAME_PORT_MAPPING_WAITING)
        break;
      mapping = NULL;
    }

  if (mapping == NULL)
    {
      self->busy = FALSE;
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_MAPPING_STARTED], 0, work->next);

  if (self->upnp != NULL && work->removing)
    sesame_upnp_client_delete_mapping_async (self->upnp, upnp_protocol (mapping), mapping->granted_port,
                                             SESAME_UPNP_DEFAULT_TIMEOUT_MS, cancellable,
                                             on_upnp_removed, task);
  else if (self->upnp != NULL)
    sesame_upnp_client_add_mapping_async (self->upnp, upnp_protocol (mapping), mapping->external_port,
                                          mapping->internal_address, mapping->internal_port,
                                          mapping->description, SESAME_PORT_MAPPER_LEASE,
                                          SESAME_UPNP_DEFAULT_TIMEOUT_MS, cancellable,
                                          on_upnp_added, task);
  else if (work->removing)
    /* NAT-PMP and PCP remove by internal port */
    sesame_pmp_client_remove_mapping_async (self->pmp, pmp_transport (mapping), mapping->internal_port,
                                            SESAME_PMP_DEFAULT_TIMEOUT_MS, cancellable,
                                            on_pmp_removed, task);
  else
    sesame_pmp_client_add_mapping_async (self->pmp, pmp_transport (mapping), mapping->internal_port,
                                         mapping->external_port, SESAME_PORT_MAPPER_LEASE,
                                         SESAME_PMP_DEFAULT_TIMEOUT_MS, cancellable,
                                         on_pmp_added, task);
}

static void
on_upnp_discovered (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  SesamePortMapper *self = g_task_get_source_object (task);
  Work *work = g_task_get_task_data (task);
  g_autoptr(SesameUpnpDevice) device = NULL;
  g_autoptr(GError) error = NULL;

  device = sesame_upnp_client_discover_finish (SESAME_UPNP_CLIENT (object), result, &error);
  if (!answered (task, error))
    return;

  /* No router to ask: every mapping is refused with why */
  if (device == NULL)
    {
      for (guint i = 0; i < work->mappings->len; i++)
        {
          SesamePortMapping *mapping = g_ptr_array_index (work->mappings, i);

          if (mapping->state != SESAME_PORT_MAPPING_WAITING)
            continue;
          mapping->state = SESAME_PORT_MAPPING_REFUSED;
          set_reason (mapping, error->message);
          g_signal_emit (self, signals[SIGNAL_MAPPING_DONE], 0, i);
        }
      work->next = work->mappings->len;
    }
  else
    self->discovered = TRUE;

  step (task);
}

static void
start (SesamePortMapper    *self,
       GPtrArray           *mappings,
       gboolean             removing,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Work *work = g_new0 (Work, 1);

  g_task_set_source_tag (task, source_tag);
  work->mappings = g_ptr_array_ref (mappings);
  work->removing = removing;
  g_task_set_task_data (task, work, (GDestroyNotify) work_free);

  if (self->kind == SESAME_PORT_MAPPER_NONE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "The router takes no port mapping requests");
      g_object_unref (task);
      return;
    }
  if (self->busy)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The mapper is already at work");
      g_object_unref (task);
      return;
    }

  self->busy = TRUE;

  /* The IGD is looked for once, before the first mapping */
  if (self->upnp != NULL && !self->discovered && !removing)
    sesame_upnp_client_discover_async (self->upnp, SESAME_UPNP_DEFAULT_TIMEOUT_MS, cancellable,
                                       on_upnp_discovered, task);
  else
    step (task);
}

/**
 * sesame_port_mapper_add_async:
 * @self: a #SesamePortMapper
 * @mappings: (element-type SesamePortMapping): what to add: those waiting,
 *   in order; each says what became of it
 * @cancellable: (nullable): stops the work; mappings not yet asked for stay waiting
 * @callback: called when every mapping has its answer
 * @user_data: for @callback
 */
void
sesame_port_mapper_add_async (SesamePortMapper    *self,
                              GPtrArray           *mappings,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (SESAME_IS_PORT_MAPPER (self));
  g_return_if_fail (mappings != NULL);

  start (self, mappings, FALSE, cancellable, callback, user_data, sesame_port_mapper_add_async);
}

/**
 * sesame_port_mapper_add_finish:
 *
 * Returns: %TRUE once every mapping has its answer (added or refused);
 *   %FALSE with @error if the work was cancelled or could not start
 */
gboolean
sesame_port_mapper_add_finish (SesamePortMapper  *self,
                               GAsyncResult      *result,
                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sesame_port_mapper_remove_async:
 * @self: a #SesamePortMapper: the one that added them
 * @mappings: (element-type SesamePortMapping): those added are removed, in
 *   order; one the router keeps stays added, with the router's reason
 * @cancellable: (nullable): stops the work
 * @callback: called when every mapping has its answer
 * @user_data: for @callback
 */
void
sesame_port_mapper_remove_async (SesamePortMapper    *self,
                                 GPtrArray           *mappings,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (SESAME_IS_PORT_MAPPER (self));
  g_return_if_fail (mappings != NULL);

  start (self, mappings, TRUE, cancellable, callback, user_data, sesame_port_mapper_remove_async);
}

gboolean
sesame_port_mapper_remove_finish (SesamePortMapper  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
