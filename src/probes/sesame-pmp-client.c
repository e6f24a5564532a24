/* sesame-pmp-client.c
 *
 * NAT-PMP (RFC 6886) and PCP (RFC 6887) over GSocket, the messages built
 * and read by sesame-pmp-codec.c: the router's external address, and
 * mappings added and removed with leases. Every request has its own
 * socket and retransmits within one deadline; PCP is tried first and
 * NAT-PMP when the router does not speak it (more below), and a refusal
 * is an answer with its reason.
 *
 * Over 1,000 lines because both protocols share the sockets, the
 * retransmission and the deadline, and a request may move from one to the
 * other mid-way; the pure part is already apart (sesame-pmp-codec.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-pmp-client"

#include "config.h"

#include <string.h>

#include <sys/random.h>

#include <glib/gi18n-lib.h>

#include "sesame-enum.h"
#include "sesame-file.h"
#include "sesame-pmp-client.h"
#include "sesame-probes-enums.h"

/* Every request has its own UDP socket, bound to an ephemeral port, that is
 * read through a GSource on the thread-default main context. A request first
 * speaks PCP and falls back to NAT-PMP when the router answers in NAT-PMP or
 * with UNSUPP_VERSION, or stays silent for half the time allowed. Both phases
 * retransmit as RFC 6886 says (250 ms, doubling), and nothing waits past the
 * deadline given to the call.
 *
 * A mapping always has the finite lease asked for, or a shorter one (a
 * router may shorten it). A router that grants a longer or an unlimited
 * lease is refused: the same request turns into the mapping's deletion,
 * sent at once and retransmitted until the router confirms it or the
 * deadline passes, and the call fails with SESAME_PMP_ERROR_LEASE_REFUSED
 * saying which.
 */

#define INITIAL_INTERVAL_MS     250
#define MAX_INTERVAL_MS         64000
#define MAX_DATAGRAMS_PER_WAKE  32

/* PCP has no request for the external address alone: the address comes with
 * a short-lived mapping of the request's own UDP port, deleted right after. */
#define ADDRESS_PROBE_LIFETIME  60

/* Room for one byte more than the largest PCP message, so that a longer
 * datagram, cut off by the receive, is still seen as too long. */
#define RECEIVE_BUFFER_SIZE     (SESAME_PCP_MAX_SIZE + 4)

struct _SesamePmpClient
{
  GObject        parent_instance;

  GInetAddress  *gateway;
  GInetAddress  *client_address;  /* nullable: found from the route to the gateway */
  guint16        port;
  SesamePmpProtocols protocols;
  gboolean       natpmp_only;     /* the router answered PCP in NAT-PMP or with UNSUPP_VERSION,
                                   * or ignored PCP and answered NAT-PMP */
  GHashTable    *mappings;        /* mapping_key () → MappingRecord: what this client created */
};

typedef struct
{
  SesamePmpProtocol  protocol;
  guint8             nonce[SESAME_PCP_NONCE_SIZE];
} MappingRecord;

typedef enum
{
  REQUEST_ADDRESS,
  REQUEST_MAP,  /* lifetime 0 removes */
} RequestKind;

typedef struct
{
  RequestKind         kind;
  SesamePmpTransport  transport;
  guint16             internal_port;
  guint16             suggested_port;
  guint32             lifetime;
  guint               timeout_ms;
  guint8              nonce[SESAME_PCP_NONCE_SIZE];
  SesamePmpProtocol   first_phase;

  GSocket            *socket;           /* nullable until started */
  GSocketAddress     *server;           /* nullable until started */
  GInetAddress       *client_address;   /* nullable until started */
  GSource            *socket_source;    /* nullable */
  GSource            *timer_source;     /* nullable */
  GSource            *cancel_source;    /* nullable */

  SesamePmpProtocol   phase;
  GBytes             *pcp_request;      /* nullable: PCP not tried */
  GBytes             *natpmp_request;   /* nullable: NAT-PMP not tried */
  gboolean            pcp_unsupported;
  gboolean            pcp_heard;        /* a PCP reply to this request came */
  GError             *pcp_refusal;      /* nullable: PCP refused to tell the address; NAT-PMP is asked too */
  gboolean            withdrawing;      /* the lease granted was refused: deleting the mapping */
  guint32             asked_lifetime;   /* when withdrawing: what was asked for */
  guint32             granted_lifetime; /* when withdrawing: what the router granted */

  gint64              deadline;         /* monotonic time, µs */
  gint64              phase_deadline;
  gint64              next_send;
  guint               interval_ms;
  guint               n_sent;
  gboolean            finished;
} Request;

typedef struct
{
  char               *address;
  SesamePmpProtocol   protocol;
  guint32             epoch;
} AddressResult;

enum {
  PROP_0,
  PROP_GATEWAY,
  PROP_CLIENT_ADDRESS,
  PROP_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SesamePmpClient, sesame_pmp_client, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (SesamePmpMapping, sesame_pmp_mapping, sesame_pmp_mapping_copy, sesame_pmp_mapping_free)

static void begin_phase (GTask             *task,
                         SesamePmpProtocol  phase);

SesamePmpMapping *
sesame_pmp_mapping_copy (const SesamePmpMapping *mapping)
{
  SesamePmpMapping *copy;

  g_return_val_if_fail (mapping != NULL, NULL);

  copy = g_memdup2 (mapping, sizeof *mapping);
  copy->external_address = g_strdup (mapping->external_address);
  return copy;
}

void
sesame_pmp_mapping_free (SesamePmpMapping *mapping)
{
  if (mapping == NULL)
    return;

  g_free (mapping->external_address);
  g_free (mapping);
}

/**
 * sesame_pmp_protocol_to_string:
 *
 * Returns: "pcp" or "natpmp", for logs and reports
 */
SESAME_DEFINE_ENUM_STRINGS (SesamePmpProtocol, sesame_pmp_protocol, SESAME_TYPE_PMP_PROTOCOL)

static guint
mapping_key (SesamePmpTransport transport,
             guint16            internal_port)
{
  return ((guint) transport << 16) | internal_port;
}

/* The same mapping gets the same nonce in every run of Sesame on this
 * machine, so that a mapping added by one run can be renewed or removed by
 * the next: PCP routers refuse a change that carries another nonce. The
 * machine's own secret keeps it unguessable from outside. */
static gboolean
derive_nonce (GInetAddress       *client_address,
              SesamePmpTransport  transport,
              guint16             internal_port,
              guint8             *nonce)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree char *machine_id = NULL;
  g_autofree char *address = NULL;
  g_autofree char *key = NULL;
  guint8 digest[32];
  gsize digest_length = sizeof digest;

  if (client_address == NULL ||
      !(machine_id = sesame_file_read_text ("/etc/machine-id", 4096, NULL)) ||
      strlen (g_strstrip (machine_id)) < 16)
    return FALSE;

  address = g_inet_address_to_string (client_address);
  key = g_strdup_printf ("sesame-pcp-nonce\n%s\n%s\n%u\n%u", machine_id, address, transport, internal_port);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) key, -1);
  g_checksum_get_digest (checksum, digest, &digest_length);
  memcpy (nonce, digest, SESAME_PCP_NONCE_SIZE);

  return TRUE;
}

static void
fill_nonce (guint8 *nonce)
{
  if (getrandom (nonce, SESAME_PCP_NONCE_SIZE, GRND_NONBLOCK) == SESAME_PCP_NONCE_SIZE)
    return;

  for (guint i = 0; i < SESAME_PCP_NONCE_SIZE; i += 4)
    {
      guint32 value = g_random_int ();
      memcpy (nonce + i, &value, sizeof value);
    }
}

static void
destroy_source (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static void
address_result_free (gpointer data)
{
  AddressResult *result = data;

  g_free (result->address);
  g_free (result);
}

/* The sources hold references on the task: this breaks the cycle */
static void
request_stop_io (Request *request)
{
  g_clear_pointer (&request->socket_source, destroy_source);
  g_clear_pointer (&request->timer_source, destroy_source);
  g_clear_pointer (&request->cancel_source, destroy_source);
  if (request->socket != NULL)
    g_socket_close (request->socket, NULL);
}

static void
request_free (gpointer data)
{
  Request *request = data;

  request_stop_io (request);
  g_clear_object (&request->socket);
  g_clear_object (&request->server);
  g_clear_object (&request->client_address);
  g_clear_pointer (&request->pcp_request, g_bytes_unref);
  g_clear_pointer (&request->natpmp_request, g_bytes_unref);
  g_clear_error (&request->pcp_refusal);
  g_free (request);
}

static const char *
phase_name (SesamePmpProtocol phase)
{
  return phase == SESAME_PMP_PROTOCOL_PCP ? "PCP" : "NAT-PMP";
}

/* The mapping that told the address over PCP is not needed any more: one
 * deletion, not retransmitted, and its answer is not awaited. */
static void
delete_address_probe (Request *request)
{
  g_autoptr(GBytes) deletion = NULL;
  g_autoptr(GError) error = NULL;
  gconstpointer data;
  gsize size;

  deletion = sesame_pcp_build_map_request (request->client_address, request->nonce,
                                           SESAME_PMP_TRANSPORT_UDP, request->internal_port,
                                           0, NULL, 0);
  data = g_bytes_get_data (deletion, &size);
  if (g_socket_send_to (request->socket, request->server, data, size, NULL, &error) < 0)
    g_debug ("could not delete the address probe mapping: %s", error->message);
}

/* Stops all I/O; the caller then returns the task's result. */
static gboolean
request_finish (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  if (request->finished)
    return FALSE;

  request->finished = TRUE;

  if (request->kind == REQUEST_ADDRESS && request->pcp_request != NULL &&
      !request->pcp_unsupported && request->pcp_refusal == NULL)
    delete_address_probe (request);

  request_stop_io (request);
  return TRUE;
}

static void
request_return_error (GTask  *task,
                      GError *error)
{
  if (request_finish (task))
    g_task_return_error (task, error);
  else
    g_error_free (error);
}

static void
request_return_address (GTask             *task,
                        const guint8      *address,
                        SesamePmpProtocol  protocol,
                        guint32            epoch)
{
  AddressResult *result;

  if (address[0] == 0 && address[1] == 0 && address[2] == 0 && address[3] == 0)
    {
      GError *error = NULL;

      /* A router that has no address yet should say so with a result code */
      if (protocol == SESAME_PMP_PROTOCOL_PCP)
        sesame_pcp_check_result (SESAME_PCP_RESULT_NETWORK_FAILURE, &error);
      else
        sesame_natpmp_check_result (SESAME_NATPMP_RESULT_NETWORK_FAILURE, &error);
      request_return_error (task, error);
      return;
    }

  if (!request_finish (task))
    return;

  result = g_new0 (AddressResult, 1);
  result->address = g_strdup_printf ("%u.%u.%u.%u", address[0], address[1], address[2], address[3]);
  result->protocol = protocol;
  result->epoch = epoch;
  g_debug ("external address %s over %s", result->address, phase_name (protocol));
  g_task_return_pointer (task, result, address_result_free);
}

static void
request_return_mapping (GTask            *task,
                        SesamePmpMapping *mapping)
{
  SesamePmpClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  guint key = mapping_key (request->transport, request->internal_port);

  if (!request_finish (task))
    {
      sesame_pmp_mapping_free (mapping);
      return;
    }

  if (request->lifetime > 0)
    {
      MappingRecord *record = g_new0 (MappingRecord, 1);

      record->protocol = mapping->protocol;
      memcpy (record->nonce, request->nonce, sizeof record->nonce);
      g_hash_table_replace (self->mappings, GUINT_TO_POINTER (key), record);
    }
  else
    g_hash_table_remove (self->mappings, GUINT_TO_POINTER (key));

  g_debug ("%s %s mapping of internal port %u: external port %u for %u s",
           phase_name (mapping->protocol), request->lifetime > 0 ? "created a" : "removed the",
           mapping->internal_port, mapping->external_port, mapping->lifetime);
  g_task_return_pointer (task, mapping, (GDestroyNotify) sesame_pmp_mapping_free);
}

/* The lease granted was refused; @removal_error says why the mapping could
 * not be removed again, or is NULL when it was (@confirmed) or the router did
 * not answer the deletion */
static void
return_lease_refused (GTask        *task,
                      gboolean      confirmed,
                      const GError *removal_error)
{
  SesamePmpClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autofree char *granted = NULL;
  GError *error;

  if (request->granted_lifetime == G_MAXUINT32)
    granted = g_strdup_printf (_("the router granted an unlimited lease instead of the %u s asked for"),
                               request->asked_lifetime);
  else
    granted = g_strdup_printf (_("the router granted a lease of %u s, longer than the %u s asked for"),
                               request->granted_lifetime, request->asked_lifetime);

  if (confirmed)
    {
      g_hash_table_remove (self->mappings,
                           GUINT_TO_POINTER (mapping_key (request->transport, request->internal_port)));
      error = g_error_new (SESAME_PMP_ERROR, SESAME_PMP_ERROR_LEASE_REFUSED,
                           _("%s; Sesame keeps only the finite lease it asked for, so it removed the mapping again"),
                           granted);
    }
  else if (removal_error != NULL)
    error = g_error_new (SESAME_PMP_ERROR, SESAME_PMP_ERROR_LEASE_REFUSED,
                         _("%s; Sesame keeps only the finite lease it asked for, but the router refused to remove the mapping again: %s"),
                         granted, removal_error->message);
  else
    error = g_error_new (SESAME_PMP_ERROR, SESAME_PMP_ERROR_LEASE_REFUSED,
                         _("%s; Sesame keeps only the finite lease it asked for and asked the router to remove the mapping again, but the router did not confirm it"),
                         granted);

  request_return_error (task, error);
}

static void
return_timeout (GTask *task)
{
  Request *request = g_task_get_task_data (task);

  if (request->withdrawing)
    {
      return_lease_refused (task, FALSE, NULL);
      return;
    }

  if (request->pcp_refusal != NULL)
    {
      request_return_error (task, g_steal_pointer (&request->pcp_refusal));
      return;
    }

  request_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                           _("the router did not answer NAT-PMP or PCP within %u ms"),
                                           request->timeout_ms));
}

static gboolean
transmit (GTask *task)
{
  SesamePmpClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GBytes *message;
  gconstpointer data;
  gsize size;

  message = request->phase == SESAME_PMP_PROTOCOL_PCP ? request->pcp_request : request->natpmp_request;
  data = g_bytes_get_data (message, &size);

  if (g_socket_send_to (request->socket, request->server, data, size, NULL, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      g_autofree char *gateway = g_inet_address_to_string (self->gateway);

      request_return_error (task, g_error_new (error->domain, error->code,
                                               _("could not send to the router at %s: %s"),
                                               gateway, error->message));
      return FALSE;
    }

  request->n_sent++;
  g_debug ("sent %s request #%u (%" G_GSIZE_FORMAT " bytes)", phase_name (request->phase), request->n_sent, size);

  request->next_send = g_get_monotonic_time () + (gint64) request->interval_ms * 1000;
  request->interval_ms = MIN (request->interval_ms * 2, MAX_INTERVAL_MS);
  return TRUE;
}

static gboolean on_timer (gpointer user_data);

static void
schedule_timer (GTask *task)
{
  Request *request = g_task_get_task_data (task);
  gint64 target = MIN (request->next_send, request->phase_deadline);
  gint64 now = g_get_monotonic_time ();
  guint delay_ms = 0;

  if (target > now)
    delay_ms = (guint) ((target - now + 999) / 1000);

  g_clear_pointer (&request->timer_source, destroy_source);
  request->timer_source = g_timeout_source_new (delay_ms);
  g_source_set_name (request->timer_source, "[sesame] pmp retransmission");
  g_task_attach_source (task, request->timer_source, on_timer);
}

static gboolean
on_timer (gpointer user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();

  g_clear_pointer (&request->timer_source, destroy_source);

  if (now >= request->deadline)
    {
      return_timeout (task);
      return G_SOURCE_REMOVE;
    }

  if (request->phase == SESAME_PMP_PROTOCOL_PCP && now >= request->phase_deadline)
    {
      g_debug ("no PCP answer after %u requests, trying NAT-PMP", request->n_sent);
      begin_phase (task, SESAME_PMP_PROTOCOL_NATPMP);
      return G_SOURCE_REMOVE;
    }

  if (now >= request->next_send && !transmit (task))
    return G_SOURCE_REMOVE;

  schedule_timer (task);
  return G_SOURCE_REMOVE;
}

static void
begin_phase (GTask             *task,
             SesamePmpProtocol  phase)
{
  SesamePmpClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();

  /* A client kept to PCP does not fall back */
  if (phase == SESAME_PMP_PROTOCOL_NATPMP && !(self->protocols & SESAME_PMP_PROTOCOLS_NATPMP))
    {
      if (request->pcp_refusal != NULL)
        request_return_error (task, g_steal_pointer (&request->pcp_refusal));
      else
        request_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                                 _("the router does not answer PCP")));
      return;
    }

  request->phase = phase;
  request->interval_ms = INITIAL_INTERVAL_MS;
  request->next_send = now;
  request->n_sent = 0;

  if (phase == SESAME_PMP_PROTOCOL_PCP)
    {
      /* Half the time for PCP, so that a silent PCP leaves room for NAT-PMP */
      if (self->protocols & SESAME_PMP_PROTOCOLS_NATPMP)
        request->phase_deadline = MIN (request->deadline, now + (gint64) request->timeout_ms * 1000 / 2);
      else
        request->phase_deadline = request->deadline;

      if (request->pcp_request == NULL && request->kind == REQUEST_ADDRESS)
        request->pcp_request = sesame_pcp_build_map_request (request->client_address, request->nonce,
                                                             SESAME_PMP_TRANSPORT_UDP, request->internal_port,
                                                             0, NULL, ADDRESS_PROBE_LIFETIME);
      else if (request->pcp_request == NULL)
        request->pcp_request = sesame_pcp_build_map_request (request->client_address, request->nonce,
                                                             request->transport, request->internal_port,
                                                             request->suggested_port, NULL, request->lifetime);
    }
  else
    {
      request->phase_deadline = request->deadline;

      if (request->natpmp_request == NULL && request->kind == REQUEST_ADDRESS)
        request->natpmp_request = sesame_natpmp_build_address_request ();
      else if (request->natpmp_request == NULL)
        request->natpmp_request = sesame_natpmp_build_map_request (request->transport, request->internal_port,
                                                                   request->suggested_port, request->lifetime);
    }

  if (transmit (task))
    schedule_timer (task);
}

/* The router granted @granted seconds, more than asked: the request turns
 * into the deletion of the mapping, in the protocol that made it */
static void
withdraw (GTask             *task,
          SesamePmpProtocol  protocol,
          guint32            granted)
{
  Request *request = g_task_get_task_data (task);

  g_debug ("%s granted %u s where %u s were asked for: removing the mapping again",
           phase_name (protocol), granted, request->lifetime);

  request->withdrawing = TRUE;
  request->asked_lifetime = request->lifetime;
  request->granted_lifetime = granted;
  request->lifetime = 0;
  request->phase = protocol;
  request->phase_deadline = request->deadline;
  request->interval_ms = INITIAL_INTERVAL_MS;

  if (protocol == SESAME_PMP_PROTOCOL_PCP)
    {
      g_clear_pointer (&request->pcp_request, g_bytes_unref);
      request->pcp_request = sesame_pcp_build_map_request (request->client_address, request->nonce,
                                                           request->transport, request->internal_port,
                                                           0, NULL, 0);
    }
  else
    {
      g_clear_pointer (&request->natpmp_request, g_bytes_unref);
      request->natpmp_request = sesame_natpmp_build_map_request (request->transport, request->internal_port, 0, 0);
    }

  if (transmit (task))
    schedule_timer (task);
}

/* While withdrawing: TRUE when the reply settled it */
static gboolean
withdrawal_answered (GTask        *task,
                     const GError *refusal,
                     guint32       lifetime)
{
  if (refusal != NULL)
    {
      return_lease_refused (task, FALSE, refusal);
      return TRUE;
    }

  /* A late answer to the request that made the mapping */
  if (lifetime != 0)
    {
      g_debug ("ignoring a late answer granting %u s while removing the mapping", lifetime);
      return FALSE;
    }

  return_lease_refused (task, TRUE, NULL);
  return TRUE;
}

static void
handle_pcp (GTask        *task,
            const guint8 *data,
            gsize         length)
{
  SesamePmpClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SesamePcpResponse response;

  if (request->pcp_request == NULL)
    {
      g_debug ("ignoring a PCP datagram: no PCP request was sent");
      return;
    }

  if (!sesame_pcp_parse_response (request->pcp_request, data, length, &response, &error))
    {
      if (g_error_matches (error, SESAME_PMP_ERROR, SESAME_PMP_ERROR_UNSUPPORTED_VERSION) &&
          request->phase == SESAME_PMP_PROTOCOL_PCP)
        {
          g_debug ("%s; trying NAT-PMP", error->message);
          request->pcp_unsupported = TRUE;
          self->natpmp_only = TRUE;
          begin_phase (task, SESAME_PMP_PROTOCOL_NATPMP);
        }
      else
        g_debug ("ignoring a datagram: %s", error->message);
      return;
    }

  request->pcp_heard = TRUE;

  if (request->withdrawing)
    {
      if (request->phase == SESAME_PMP_PROTOCOL_PCP)
        {
          sesame_pcp_check_result (response.result_code, &error);
          withdrawal_answered (task, error, response.lifetime);
        }
      return;
    }

  if (!sesame_pcp_check_result (response.result_code, &error))
    {
      if (request->phase != SESAME_PMP_PROTOCOL_PCP)
        g_debug ("ignoring a late PCP refusal: %s", error->message);
      else if (request->kind == REQUEST_ADDRESS)
        {
          /* NAT-PMP asks for the address alone, which a router may grant when it refuses the mapping */
          g_debug ("PCP refused to map: %s; asking NAT-PMP for the address", error->message);
          request->pcp_refusal = g_steal_pointer (&error);
          begin_phase (task, SESAME_PMP_PROTOCOL_NATPMP);
        }
      else
        request_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (request->kind == REQUEST_ADDRESS)
    {
      /* The parser made sure the address is IPv4-mapped */
      request_return_address (task, response.external_address + 12, SESAME_PMP_PROTOCOL_PCP, response.epoch);
    }
  else if (request->lifetime > 0 && response.lifetime > request->lifetime)
    withdraw (task, SESAME_PMP_PROTOCOL_PCP, response.lifetime);
  else
    {
      SesamePmpMapping *mapping = g_new0 (SesamePmpMapping, 1);

      mapping->protocol = SESAME_PMP_PROTOCOL_PCP;
      mapping->transport = request->transport;
      mapping->internal_port = response.internal_port;
      mapping->external_port = request->lifetime > 0 ? response.external_port : 0;
      mapping->lifetime = response.lifetime;
      mapping->epoch = response.epoch;
      if (request->lifetime > 0)
        mapping->external_address = sesame_pcp_address_to_string (response.external_address);
      request_return_mapping (task, mapping);
    }
}

static void
handle_natpmp (GTask        *task,
               const guint8 *data,
               gsize         length)
{
  SesamePmpClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SesameNatpmpResponse response;

  if (!sesame_natpmp_parse_response (request->natpmp_request, data, length, &response, &error))
    {
      g_debug ("ignoring a datagram: %s", error->message);
      return;
    }

  if (response.result_code == SESAME_NATPMP_RESULT_UNSUPPORTED_VERSION)
    {
      g_debug ("ignoring a NAT-PMP answer to an earlier PCP request");
      return;
    }

  if (request->withdrawing)
    {
      sesame_natpmp_check_result (response.result_code, &error);
      withdrawal_answered (task, error, response.lifetime);
      return;
    }

  if (!sesame_natpmp_check_result (response.result_code, &error))
    {
      request_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A router that ignores PCP and answers NAT-PMP is not asked PCP again */
  if (request->pcp_request != NULL && !request->pcp_heard)
    self->natpmp_only = TRUE;

  if (request->kind == REQUEST_ADDRESS)
    request_return_address (task, response.external_address, SESAME_PMP_PROTOCOL_NATPMP, response.epoch);
  else if (request->lifetime > 0 && response.lifetime > request->lifetime)
    withdraw (task, SESAME_PMP_PROTOCOL_NATPMP, response.lifetime);
  else
    {
      SesamePmpMapping *mapping = g_new0 (SesamePmpMapping, 1);

      mapping->protocol = SESAME_PMP_PROTOCOL_NATPMP;
      mapping->transport = request->transport;
      mapping->internal_port = request->internal_port;
      mapping->external_port = request->lifetime > 0 ? response.external_port : 0;
      mapping->lifetime = response.lifetime;
      mapping->epoch = response.epoch;
      request_return_mapping (task, mapping);
    }
}

static gboolean
is_from_server (Request        *request,
                GSocketAddress *from)
{
  GInetSocketAddress *server = G_INET_SOCKET_ADDRESS (request->server);
  GInetSocketAddress *inet;

  if (!G_IS_INET_SOCKET_ADDRESS (from))
    return FALSE;

  inet = G_INET_SOCKET_ADDRESS (from);
  return g_inet_socket_address_get_port (inet) == g_inet_socket_address_get_port (server) &&
         g_inet_address_equal (g_inet_socket_address_get_address (inet),
                               g_inet_socket_address_get_address (server));
}

static gboolean
on_socket_ready (GSocket      *socket,
                 GIOCondition  condition G_GNUC_UNUSED,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);

  for (guint i = 0; i < MAX_DATAGRAMS_PER_WAKE && !request->finished; i++)
    {
      g_autoptr(GSocketAddress) from = NULL;
      g_autoptr(GError) error = NULL;
      guint8 buffer[RECEIVE_BUFFER_SIZE];
      gssize received;

      received = g_socket_receive_from (socket, &from, (char *) buffer, sizeof buffer, NULL, &error);
      if (received < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            break;
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
            {
              g_debug ("ignoring an ICMP error: %s", error->message);
              continue;
            }

          request_return_error (task, g_steal_pointer (&error));
          break;
        }

      if (!is_from_server (request, from))
        {
          g_debug ("ignoring %" G_GSSIZE_FORMAT " bytes from another address or port", received);
          continue;
        }

      if (request->phase == SESAME_PMP_PROTOCOL_NATPMP && received >= 1 && buffer[0] == SESAME_NATPMP_VERSION)
        handle_natpmp (task, buffer, (gsize) received);
      else
        handle_pcp (task, buffer, (gsize) received);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  g_debug ("cancelled");
  request_return_error (task, error);
  return G_SOURCE_REMOVE;
}

/* Connecting a UDP socket sends nothing: the kernel only picks the route and
 * the source address the router will see. */
static GInetAddress *
find_client_address (GSocketAddress  *server,
                     GError         **error)
{
  g_autoptr(GSocket) probe = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (probe == NULL)
    return NULL;

  if (!g_socket_connect (probe, server, NULL, error))
    return NULL;

  local = g_socket_get_local_address (probe, error);
  if (local == NULL)
    return NULL;

  g_socket_close (probe, NULL);
  return g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (local)));
}

static gboolean
request_open (SesamePmpClient  *self,
              Request          *request,
              GError          **error)
{
  g_autoptr(GInetAddress) any_address = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (any_address, 0);
  g_autoptr(GError) local_error = NULL;

  request->server = g_inet_socket_address_new (self->gateway, self->port);

  request->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (request->socket == NULL)
    return FALSE;

  g_socket_set_blocking (request->socket, FALSE);
  if (!g_socket_bind (request->socket, any, FALSE, error))
    return FALSE;

  if (self->client_address != NULL)
    request->client_address = g_object_ref (self->client_address);
  else if ((request->client_address = find_client_address (request->server, &local_error)) == NULL)
    {
      g_autofree char *gateway = g_inet_address_to_string (self->gateway);

      g_set_error (error, local_error->domain, local_error->code,
                   _("could not send to the router at %s: %s"), gateway, local_error->message);
      return FALSE;
    }

  if (request->kind == REQUEST_ADDRESS)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (request->socket, error);

      if (local == NULL)
        return FALSE;
      request->internal_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }

  return TRUE;
}

static void
request_start (GTask   *task,
               Request *request)
{
  SesamePmpClient *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  g_task_set_task_data (task, request, request_free);

  if (g_task_return_error_if_cancelled (task))
    {
      request->finished = TRUE;
      return;
    }

  if (!request_open (self, request, &error))
    {
      request_return_error (task, g_steal_pointer (&error));
      return;
    }

  request->deadline = g_get_monotonic_time () + (gint64) request->timeout_ms * 1000;

  request->socket_source = g_socket_create_source (request->socket, G_IO_IN, NULL);
  g_source_set_name (request->socket_source, "[sesame] pmp socket");
  g_task_attach_source (task, request->socket_source, G_SOURCE_FUNC (on_socket_ready));

  if (cancellable != NULL)
    {
      request->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_name (request->cancel_source, "[sesame] pmp cancellable");
      g_task_attach_source (task, request->cancel_source, G_SOURCE_FUNC (on_cancelled));
    }

  if ((self->natpmp_only && (self->protocols & SESAME_PMP_PROTOCOLS_NATPMP)) ||
      !(self->protocols & SESAME_PMP_PROTOCOLS_PCP))
    request->first_phase = SESAME_PMP_PROTOCOL_NATPMP;

  g_debug ("asking %s first, within %u ms", phase_name (request->first_phase), request->timeout_ms);
  begin_phase (task, request->first_phase);
}

static Request *
request_new (SesamePmpClient    *self,
             RequestKind         kind,
             SesamePmpTransport  transport,
             guint16             internal_port,
             guint16             suggested_port,
             guint32             lifetime,
             guint               timeout_ms)
{
  Request *request = g_new0 (Request, 1);
  MappingRecord *record = NULL;

  request->kind = kind;
  request->transport = transport;
  request->internal_port = internal_port;
  request->suggested_port = suggested_port;
  request->lifetime = lifetime;
  request->timeout_ms = timeout_ms > 0 ? timeout_ms : SESAME_PMP_DEFAULT_TIMEOUT_MS;
  request->first_phase = SESAME_PMP_PROTOCOL_PCP;

  if (kind == REQUEST_MAP)
    record = g_hash_table_lookup (self->mappings, GUINT_TO_POINTER (mapping_key (transport, internal_port)));

  /* Renewing or deleting a mapping goes the way it was made, with the same PCP nonce */
  if (record != NULL)
    {
      memcpy (request->nonce, record->nonce, sizeof request->nonce);
      request->first_phase = record->protocol;
    }
  else if (kind != REQUEST_MAP ||
           !derive_nonce (self->client_address, transport, internal_port, request->nonce))
    fill_nonce (request->nonce);

  return request;
}

/**
 * sesame_pmp_client_get_external_address_async:
 * @timeout_ms: the longest time to wait for the router, or 0 for
 *   %SESAME_PMP_DEFAULT_TIMEOUT_MS
 *
 * PCP cannot ask for the address alone: this asks for a mapping of the
 * request's own UDP port for a minute (routers may round it up) and deletes
 * it as soon as the answer is in. NAT-PMP's external address request follows
 * if the router does not speak PCP, stays silent, or refuses the mapping; if
 * NAT-PMP refuses too, its reason is the one reported.
 */
void
sesame_pmp_client_get_external_address_async (SesamePmpClient     *self,
                                              guint                timeout_ms,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SESAME_IS_PMP_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_pmp_client_get_external_address_async);
  request_start (task, request_new (self, REQUEST_ADDRESS, SESAME_PMP_TRANSPORT_UDP, 0, 0, 0, timeout_ms));
}

/**
 * sesame_pmp_client_get_external_address_finish:
 * @protocol: (out) (optional): which protocol answered
 * @epoch: (out) (optional): the router's seconds since its mapping table started
 * @error: %G_IO_ERROR_TIMED_OUT when the router did not answer,
 *   %G_IO_ERROR_CANCELLED, an error from the socket, or a
 *   %SESAME_PMP_ERROR with the router's reason
 *
 * Returns: (transfer full): the external IPv4 address as text
 */
char *
sesame_pmp_client_get_external_address_finish (SesamePmpClient    *self,
                                               GAsyncResult       *result,
                                               SesamePmpProtocol  *protocol,
                                               guint32            *epoch,
                                               GError            **error)
{
  AddressResult *address;
  char *text;

  g_return_val_if_fail (SESAME_IS_PMP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sesame_pmp_client_get_external_address_async), NULL);

  address = g_task_propagate_pointer (G_TASK (result), error);
  if (address == NULL)
    return NULL;

  if (protocol != NULL)
    *protocol = address->protocol;
  if (epoch != NULL)
    *epoch = address->epoch;

  text = g_steal_pointer (&address->address);
  address_result_free (address);
  return text;
}

/**
 * sesame_pmp_client_add_mapping_async:
 * @transport: TCP or UDP
 * @internal_port: the port on this computer
 * @suggested_external_port: the port wanted on the router, or 0 for the same as @internal_port
 * @lifetime: seconds, more than 0
 * @timeout_ms: the longest time to wait for the router, or 0 for
 *   %SESAME_PMP_DEFAULT_TIMEOUT_MS
 *
 * Maps a port of the router to @internal_port of this computer. Adding the
 * same mapping again renews it, with the protocol and PCP nonce used before.
 */
void
sesame_pmp_client_add_mapping_async (SesamePmpClient     *self,
                                     SesamePmpTransport   transport,
                                     guint16              internal_port,
                                     guint16              suggested_external_port,
                                     guint32              lifetime,
                                     guint                timeout_ms,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SESAME_IS_PMP_CLIENT (self));
  g_return_if_fail (transport == SESAME_PMP_TRANSPORT_TCP || transport == SESAME_PMP_TRANSPORT_UDP);
  g_return_if_fail (internal_port != 0);
  g_return_if_fail (lifetime > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_pmp_client_add_mapping_async);
  request_start (task, request_new (self, REQUEST_MAP, transport, internal_port,
                                    suggested_external_port != 0 ? suggested_external_port : internal_port,
                                    lifetime, timeout_ms));
}

/**
 * sesame_pmp_client_add_mapping_finish:
 * @error: as for sesame_pmp_client_get_external_address_finish()
 *
 * Returns: (transfer full): what the router granted; the external port may
 *   differ from the one suggested, and the lifetime may be shorter than the
 *   one asked for, never longer: a longer or unlimited lease is
 *   %SESAME_PMP_ERROR_LEASE_REFUSED, after the mapping was removed again
 */
SesamePmpMapping *
sesame_pmp_client_add_mapping_finish (SesamePmpClient  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (SESAME_IS_PMP_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, sesame_pmp_client_add_mapping_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sesame_pmp_client_remove_mapping_async:
 * @transport: TCP or UDP
 * @internal_port: the port on this computer
 * @timeout_ms: the longest time to wait for the router, or 0 for
 *   %SESAME_PMP_DEFAULT_TIMEOUT_MS
 *
 * Deletes the mapping of @internal_port (a request with lifetime 0). A
 * mapping this client made is deleted with the protocol and PCP nonce that
 * made it; PCP routers refuse to delete a mapping for another nonce.
 */
void
sesame_pmp_client_remove_mapping_async (SesamePmpClient     *self,
                                        SesamePmpTransport   transport,
                                        guint16              internal_port,
                                        guint                timeout_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SESAME_IS_PMP_CLIENT (self));
  g_return_if_fail (transport == SESAME_PMP_TRANSPORT_TCP || transport == SESAME_PMP_TRANSPORT_UDP);
  g_return_if_fail (internal_port != 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_pmp_client_remove_mapping_async);
  request_start (task, request_new (self, REQUEST_MAP, transport, internal_port, 0, 0, timeout_ms));
}

/**
 * sesame_pmp_client_remove_mapping_finish:
 * @protocol: (out) (optional): which protocol answered
 * @error: as for sesame_pmp_client_get_external_address_finish()
 *
 * Returns: %TRUE if the router confirmed the deletion
 */
gboolean
sesame_pmp_client_remove_mapping_finish (SesamePmpClient    *self,
                                         GAsyncResult       *result,
                                         SesamePmpProtocol  *protocol,
                                         GError            **error)
{
  g_autoptr(SesamePmpMapping) mapping = NULL;

  g_return_val_if_fail (SESAME_IS_PMP_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, sesame_pmp_client_remove_mapping_async), FALSE);

  mapping = g_task_propagate_pointer (G_TASK (result), error);
  if (mapping == NULL)
    return FALSE;

  if (protocol != NULL)
    *protocol = mapping->protocol;

  return TRUE;
}

static void
sesame_pmp_client_finalize (GObject *object)
{
  SesamePmpClient *self = (SesamePmpClient *)object;

  g_clear_pointer (&self->mappings, g_hash_table_unref);

  G_OBJECT_CLASS (sesame_pmp_client_parent_class)->finalize (object);
}

static void
sesame_pmp_client_dispose (GObject *object)
{
  SesamePmpClient *self = (SesamePmpClient *)object;

  g_clear_object (&self->gateway);
  g_clear_object (&self->client_address);

  G_OBJECT_CLASS (sesame_pmp_client_parent_class)->dispose (object);
}

static void
sesame_pmp_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SesamePmpClient *self = SESAME_PMP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_GATEWAY:
      g_value_set_object (value, self->gateway);
      break;
    case PROP_CLIENT_ADDRESS:
      g_value_set_object (value, self->client_address);
      break;
    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_pmp_client_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SesamePmpClient *self = SESAME_PMP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_GATEWAY:
      self->gateway = g_value_dup_object (value);
      break;
    case PROP_CLIENT_ADDRESS:
      self->client_address = g_value_dup_object (value);
      break;
    case PROP_PORT:
      sesame_pmp_client_set_port (self, (guint16) g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sesame_pmp_client_class_init (SesamePmpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sesame_pmp_client_dispose;
  object_class->finalize = sesame_pmp_client_finalize;
  object_class->get_property = sesame_pmp_client_get_property;
  object_class->set_property = sesame_pmp_client_set_property;

  /**
   * SesamePmpClient:gateway:
   *
   * The router's IPv4 address on the LAN.
   */
  properties[PROP_GATEWAY] =
    g_param_spec_object ("gateway", NULL, NULL, G_TYPE_INET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SesamePmpClient:client-address:
   *
   * This computer's address as the router sees it, for PCP's client IP
   * field; %NULL to take the source address of the route to the gateway.
   */
  properties[PROP_CLIENT_ADDRESS] =
    g_param_spec_object ("client-address", NULL, NULL, G_TYPE_INET_ADDRESS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * SesamePmpClient:port:
   *
   * The router's UDP port: 5351 for both protocols; other values are for tests.
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, G_MAXUINT16, SESAME_PMP_SERVER_PORT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sesame_pmp_client_init (SesamePmpClient *self)
{
  self->protocols = SESAME_PMP_PROTOCOLS_BOTH;
  self->port = SESAME_PMP_SERVER_PORT;
  self->mappings = g_hash_table_new_full (NULL, NULL, NULL, g_free);
}

/**
 * sesame_pmp_client_new:
 * @gateway: the router's IPv4 address
 * @client_address: (nullable): this computer's IPv4 address as the router
 *   sees it, or %NULL to take it from the route to @gateway
 *
 * Returns: (transfer full): a new client
 */
SesamePmpClient *
sesame_pmp_client_new (GInetAddress *gateway,
                       GInetAddress *client_address)
{
  g_return_val_if_fail (G_IS_INET_ADDRESS (gateway), NULL);
  g_return_val_if_fail (g_inet_address_get_family (gateway) == G_SOCKET_FAMILY_IPV4, NULL);
  g_return_val_if_fail (client_address == NULL || G_IS_INET_ADDRESS (client_address), NULL);
  g_return_val_if_fail (client_address == NULL ||
                        g_inet_address_get_family (client_address) == G_SOCKET_FAMILY_IPV4, NULL);

  return g_object_new (SESAME_TYPE_PMP_CLIENT,
                       "gateway", gateway,
                       "client-address", client_address,
                       NULL);
}

GInetAddress *
sesame_pmp_client_get_gateway (SesamePmpClient *self)
{
  g_return_val_if_fail (SESAME_IS_PMP_CLIENT (self), NULL);
  return self->gateway;
}

/**
 * sesame_pmp_client_get_client_address:
 *
 * Returns: (transfer none) (nullable): the address given at construction
 */
GInetAddress *
sesame_pmp_client_get_client_address (SesamePmpClient *self)
{
  g_return_val_if_fail (SESAME_IS_PMP_CLIENT (self), NULL);
  return self->client_address;
}

guint16
sesame_pmp_client_get_port (SesamePmpClient *self)
{
  g_return_val_if_fail (SESAME_IS_PMP_CLIENT (self), 0);
  return self->port;
}

/**
 * sesame_pmp_client_set_port:
 * @port: the router's UDP port
 *
 * Only tests need this: routers listen on 5351. Requests already under way
 * keep the port they started with.
 */
void
sesame_pmp_client_set_port (SesamePmpClient *self,
                            guint16          port)
{
  g_return_if_fail (SESAME_IS_PMP_CLIENT (self));
  g_return_if_fail (port != 0);

  if (self->port != port)
    {
      self->port = port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
    }
}

/**
 * sesame_pmp_client_set_protocols:
 * @self: a client
 * @protocols: the protocols it may use
 *
 * Keeps the client to PCP or to NAT-PMP alone, for a person who asks for
 * one of them, or to learn which of them a router speaks.
 */
void
sesame_pmp_client_set_protocols (SesamePmpClient    *self,
                                 SesamePmpProtocols  protocols)
{
  g_return_if_fail (SESAME_IS_PMP_CLIENT (self));
  g_return_if_fail ((protocols & SESAME_PMP_PROTOCOLS_BOTH) != 0);

  self->protocols = protocols & SESAME_PMP_PROTOCOLS_BOTH;
}
