/* sesame-reflector.c
 *
 * What a home server needs from outside, served by something its owner can
 * run on any host with a public address:
 *
 * - STUN Binding on two addresses and two ports (four UDP sockets), with the
 *   RFC 5780 attributes OTHER-ADDRESS and RESPONSE-ORIGIN, and CHANGE-REQUEST
 *   answered from the other address and/or port;
 * - `GET /ip`: the address the request came from, as JSON `{"ip": …}`, or as
 *   text with `Accept: text/plain`;
 * - `GET /check?port=N[,N…]&proto=tcp|udp[&nonce=HEX]`: a connect-back to
 *   the ports named, answered `{"state": "open"|"refused"|"filtered",
 *   "open": bool}` (one port) or with a "ports" list.
 *
 * The connect-back must never be a weapon, so:
 * - it only ever connects to the address the request came from: the request
 *   comes over TCP, so that address cannot be spoofed; there is no host
 *   parameter, and headers such as X-Forwarded-For are not read; every
 *   parameter the reflector does not know makes the request a 400;
 * - only the ports named, at most %SESAME_REFLECTOR_MAX_PORTS a request;
 * - a token bucket per client address (an IPv6 client by its /64) counts
 *   ports, and a client may have only so many checks in flight;
 * - each check has a short timeout (the client may ask for another,
 *   from 100 ms to 5 s, with a Sesame-Check-Wait header);
 * - the UDP datagrams sent for one request (the nonce, or a short probe)
 *   together are no larger than the HTTP request that asked for them, so
 *   the reflector amplifies nothing. STUN answers are rate-limited by
 *   source address as well.
 *
 * Everything it does is logged through GLib's structured log (the journal
 * under systemd).
 *
 * Over 1,000 lines because the three services share the sockets, the
 * addresses and the limits on what a stranger may ask of them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-reflector"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sesame-reflector.h"
#include "sesame-stun.h"

G_DEFINE_QUARK (sesame-reflector-error-quark, sesame_reflector_error)

#define UDP_PROBE           "sesame-reflector\n"
#define UDP_MAX_TRIES       3
#define MAX_CLIENTS         65536
#define MAX_IN_FLIGHT       64      /* ports being checked for one client */
#define MAX_IN_FLIGHT_ALL   1024
#define STUN_BURST          64
#define STUN_PER_MINUTE     1200

/* Like g_timeout_add(), on the thread-default main context, where the
 * reflector's sockets are */
static guint
timeout_add (guint       interval_ms,
             GSourceFunc function,
             gpointer    data)
{
  g_autoptr(GSource) source = g_timeout_source_new (interval_ms);

  g_source_set_callback (source, function, data, NULL);
  return g_source_attach (source, g_main_context_get_thread_default ());
}

static void
source_remove (guint id)
{
  GSource *source = g_main_context_find_source_by_id (g_main_context_get_thread_default (), id);

  if (source != NULL)
    g_source_destroy (source);
}

/* Token buckets by client address */

typedef struct
{
  double tokens;
  gint64 updated;       /* monotonic µs */
  guint  in_flight;
} Bucket;

typedef struct
{
  GHashTable *buckets;  /* client key → Bucket */
  guint       burst;
  guint       per_minute;
} Limiter;

static void
limiter_init (Limiter *limiter,
              guint    burst,
              guint    per_minute)
{
  limiter->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  limiter->burst = burst;
  limiter->per_minute = per_minute;
}

static void
limiter_clear (Limiter *limiter)
{
  g_clear_pointer (&limiter->buckets, g_hash_table_unref);
}

static void
bucket_refill (Limiter *limiter,
               Bucket  *bucket,
               gint64   now)
{
  double refill = (double) (now - bucket->updated) / G_USEC_PER_SEC * limiter->per_minute / 60.0;

  bucket->tokens = MIN ((double) limiter->burst, bucket->tokens + refill);
  bucket->updated = now;
}

/* An IPv6 client is its /64: one subscriber usually has a whole one */
static char *
client_key (GInetAddress *address)
{
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6 &&
      !g_inet_address_get_is_loopback (address))
    {
      const guint8 *bytes = g_inet_address_to_bytes (address);
      g_autoptr(GInetAddress) prefix = NULL;
      guint8 masked[16] = { 0 };

      memcpy (masked, bytes, 8);
      prefix = g_inet_address_new_from_bytes (masked, G_SOCKET_FAMILY_IPV6);
      return g_strconcat (g_inet_address_to_string (prefix), "/64", NULL);
    }

  return g_inet_address_to_string (address);
}

static Bucket *
limiter_lookup (Limiter    *limiter,
                const char *key,
                gint64      now)
{
  Bucket *bucket = g_hash_table_lookup (limiter->buckets, key);

  if (bucket != NULL)
    {
      bucket_refill (limiter, bucket, now);
      return bucket;
    }

  if (g_hash_table_size (limiter->buckets) >= MAX_CLIENTS)
    {
      GHashTableIter iter;
      gpointer value;

      /* Forget the clients that are back to a full bucket: they owe nothing */
      g_hash_table_iter_init (&iter, limiter->buckets);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Bucket *other = value;

          bucket_refill (limiter, other, now);
          if (other->in_flight == 0 && other->tokens >= limiter->burst)
            g_hash_table_iter_remove (&iter);
        }

      if (g_hash_table_size (limiter->buckets) >= MAX_CLIENTS)
        return NULL;
    }

  bucket = g_new0 (Bucket, 1);
  bucket->tokens = limiter->burst;
  bucket->updated = now;
  g_hash_table_insert (limiter->buckets, g_strdup (key), bucket);
  return bucket;
}

/* Takes @cost tokens; FALSE and the seconds to wait when there are not enough */
static gboolean
limiter_take (Limiter    *limiter,
              const char *key,
              guint       cost,
              guint      *retry_after)
{
  Bucket *bucket = limiter_lookup (limiter, key, g_get_monotonic_time ());

  *retry_after = 60;
  if (bucket == NULL)
    return FALSE;

  if (bucket->tokens < cost)
    {
      if (limiter->per_minute > 0)
        *retry_after = (guint) ((cost - bucket->tokens) * 60.0 / limiter->per_minute) + 1;
      return FALSE;
    }

  bucket->tokens -= cost;
  return TRUE;
}

/* The reflector */

struct _SesameReflector
{
  GObject          parent_instance;

  GInetAddress    *addresses[2];
  guint16          ports[2];
  guint16          http_port;
  guint16          https_port;
  GTlsCertificate *certificate;     /* nullable */
  guint            timeout_ms;

  GSocket         *stun[2][2];      /* [address][port] */
  GSource         *stun_sources[2][2];
  SoupServer      *server;
  GCancellable    *cancellable;

  Limiter          checks;
  Limiter          stun_limiter;
  guint            in_flight;
};

G_DEFINE_FINAL_TYPE (SesameReflector, sesame_reflector, G_TYPE_OBJECT)

static void
sesame_reflector_dispose (GObject *object)
{
  SesameReflector *self = SESAME_REFLECTOR (object);

  g_cancellable_cancel (self->cancellable);

  for (guint a = 0; a < 2; a++)
    for (guint p = 0; p < 2; p++)
      {
        if (self->stun_sources[a][p] != NULL)
          {
            g_source_destroy (self->stun_sources[a][p]);
            g_clear_pointer (&self->stun_sources[a][p], g_source_unref);
          }
        if (self->stun[a][p] != NULL)
          g_socket_close (self->stun[a][p], NULL);
        g_clear_object (&self->stun[a][p]);
      }

  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (sesame_reflector_parent_class)->dispose (object);
}

static void
sesame_reflector_finalize (GObject *object)
{
  SesameReflector *self = SESAME_REFLECTOR (object);

  g_clear_object (&self->addresses[0]);
  g_clear_object (&self->addresses[1]);
  g_clear_object (&self->cancellable);
  limiter_clear (&self->checks);
  limiter_clear (&self->stun_limiter);

  G_OBJECT_CLASS (sesame_reflector_parent_class)->finalize (object);
}

static void
sesame_reflector_class_init (SesameReflectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sesame_reflector_dispose;
  object_class->finalize = sesame_reflector_finalize;
}

static void
sesame_reflector_init (SesameReflector *self)
{
  self->timeout_ms = SESAME_REFLECTOR_DEFAULT_TIMEOUT_MS;
  self->cancellable = g_cancellable_new ();
  limiter_init (&self->checks, SESAME_REFLECTOR_DEFAULT_BURST, SESAME_REFLECTOR_DEFAULT_PER_MINUTE);
  limiter_init (&self->stun_limiter, STUN_BURST, STUN_PER_MINUTE);
}

/**
 * sesame_reflector_new:
 * @address: the first public address
 * @other_address: the second, of the same family (RFC 5780 needs two)
 * @port: the first STUN port, or 0 for any free one
 * @other_port: the second STUN port, or 0 for any free one
 * @http_port: the HTTP port on both addresses, or 0 for any free one
 *
 * Returns: (transfer full): a reflector; sesame_reflector_start() opens its sockets
 */
SesameReflector *
sesame_reflector_new (GInetAddress *address,
                      GInetAddress *other_address,
                      guint16       port,
                      guint16       other_port,
                      guint16       http_port)
{
  SesameReflector *self;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), NULL);
  g_return_val_if_fail (G_IS_INET_ADDRESS (other_address), NULL);

  self = g_object_new (SESAME_TYPE_REFLECTOR, NULL);
  self->addresses[0] = g_object_ref (address);
  self->addresses[1] = g_object_ref (other_address);
  self->ports[0] = port;
  self->ports[1] = other_port;
  self->http_port = http_port;

  return self;
}

void
sesame_reflector_set_rate_limit (SesameReflector *self,
                                 guint            burst,
                                 guint            per_minute)
{
  g_return_if_fail (SESAME_IS_REFLECTOR (self));
  g_return_if_fail (burst > 0);

  self->checks.burst = burst;
  self->checks.per_minute = per_minute;
}

void
sesame_reflector_set_timeout (SesameReflector *self,
                              guint            timeout_ms)
{
  g_return_if_fail (SESAME_IS_REFLECTOR (self));
  g_return_if_fail (timeout_ms >= 100 && timeout_ms <= 10000);

  self->timeout_ms = timeout_ms;
}

/* Serve HTTPS on @https_port of both addresses too */
void
sesame_reflector_set_https (SesameReflector *self,
                            GTlsCertificate *certificate,
                            guint16          https_port)
{
  g_return_if_fail (SESAME_IS_REFLECTOR (self));
  g_return_if_fail (G_IS_TLS_CERTIFICATE (certificate));

  g_set_object (&self->certificate, certificate);
  self->https_port = https_port;
}

guint16
sesame_reflector_get_port (SesameReflector *self)
{
  g_return_val_if_fail (SESAME_IS_REFLECTOR (self), 0);

  return self->ports[0];
}

guint16
sesame_reflector_get_other_port (SesameReflector *self)
{
  g_return_val_if_fail (SESAME_IS_REFLECTOR (self), 0);

  return self->ports[1];
}

guint16
sesame_reflector_get_http_port (SesameReflector *self)
{
  g_return_val_if_fail (SESAME_IS_REFLECTOR (self), 0);

  return self->http_port;
}

/* The check request: one pure parser for untrusted query strings */

static gboolean
parse_port_list (const char            *value,
                 SesameReflectorCheck  *check,
                 GError               **error)
{
  g_auto(GStrv) items = g_strsplit (value, ",", SESAME_REFLECTOR_MAX_PORTS + 2);
  guint n = g_strv_length (items);

  if (n > SESAME_REFLECTOR_MAX_PORTS)
    {
      g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_TOO_MANY_PORTS,
                   "at most %u ports per request", SESAME_REFLECTOR_MAX_PORTS);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      const char *item = items[i];
      gsize length = strlen (item);
      guint value_n = 0;

      if (length == 0 || length > 5)
        goto bad;
      for (gsize c = 0; c < length; c++)
        {
          if (!g_ascii_isdigit (item[c]))
            goto bad;
          value_n = value_n * 10 + (guint) (item[c] - '0');
        }
      if (value_n == 0 || value_n > 65535)
        goto bad;

      for (guint j = 0; j < check->n_ports; j++)
        if (check->ports[j] == value_n)
          {
            g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
                         "port %u is named twice", value_n);
            return FALSE;
          }

      check->ports[check->n_ports++] = (guint16) value_n;
    }

  return TRUE;

bad:
  g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
               "a port is a number from 1 to 65535");
  return FALSE;
}

static gboolean
parse_nonce (const char            *value,
             SesameReflectorCheck  *check,
             GError               **error)
{
  gsize length = strlen (value);

  if (length == 0 || length % 2 != 0 || length > 2 * SESAME_REFLECTOR_MAX_NONCE)
    goto bad;

  for (gsize i = 0; i < length; i += 2)
    {
      int high = g_ascii_xdigit_value (value[i]);
      int low = g_ascii_xdigit_value (value[i + 1]);

      if (high < 0 || low < 0)
        goto bad;
      check->nonce[i / 2] = (guint8) (high << 4 | low);
    }
  check->nonce_size = length / 2;
  return TRUE;

bad:
  g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
               "the nonce is 1 to %u bytes in hex", SESAME_REFLECTOR_MAX_NONCE);
  return FALSE;
}

/**
 * sesame_reflector_parse_check:
 * @query: (nullable): the query string of `GET /check`, untrusted, still escaped
 * @check: (out caller-allocates): what it asks for
 * @error: %SESAME_REFLECTOR_ERROR_BAD_REQUEST or _TOO_MANY_PORTS
 *
 * Knows `port` (required: one port or a comma-separated list), `proto`
 * (`tcp`, the default, or `udp`) and `nonce` (UDP only: hex). Each may be
 * given once; any other parameter makes the request bad, so that nobody
 * mistakes a `host` or `ip` for something the reflector would honour.
 */
gboolean
sesame_reflector_parse_check (const char            *query,
                              SesameReflectorCheck  *check,
                              GError               **error)
{
  g_auto(GStrv) pairs = NULL;
  gboolean seen_port = FALSE, seen_proto = FALSE, seen_nonce = FALSE;

  g_return_val_if_fail (check != NULL, FALSE);

  memset (check, 0, sizeof *check);

  if (query == NULL || *query == '\0')
    {
      g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
                   "which port? (?port=N&proto=tcp|udp)");
      return FALSE;
    }
  if (strlen (query) > SESAME_REFLECTOR_MAX_QUERY)
    {
      g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
                   "the query is too long");
      return FALSE;
    }

  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *equals = strchr (pairs[i], '=');
      g_autofree char *key = NULL;
      g_autofree char *value = NULL;

      if (equals == NULL)
        {
          g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
                       "a parameter without a value");
          return FALSE;
        }

      key = g_uri_unescape_segment (pairs[i], equals, NULL);
      value = g_uri_unescape_string (equals + 1, NULL);
      if (key == NULL || value == NULL)
        {
          g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
                       "a parameter is not properly escaped");
          return FALSE;
        }

      if (g_str_equal (key, "port") && !seen_port)
        {
          seen_port = TRUE;
          if (!parse_port_list (value, check, error))
            return FALSE;
        }
      else if (g_str_equal (key, "proto") && !seen_proto)
        {
          seen_proto = TRUE;
          if (g_str_equal (value, "udp"))
            check->udp = TRUE;
          else if (!g_str_equal (value, "tcp"))
            {
              g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
                           "proto is tcp or udp");
              return FALSE;
            }
        }
      else if (g_str_equal (key, "nonce") && !seen_nonce)
        {
          seen_nonce = TRUE;
          if (!parse_nonce (value, check, error))
            return FALSE;
        }
      else
        {
          g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
                       "unknown or repeated parameter; the reflector knows port, proto and nonce, "
                       "and only ever checks the address the request comes from");
          return FALSE;
        }
    }

  if (!seen_port || check->n_ports == 0)
    {
      g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
                   "which port? (?port=N&proto=tcp|udp)");
      return FALSE;
    }
  if (check->nonce_size > 0 && !check->udp)
    {
      g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_REQUEST,
                   "a nonce is for UDP checks only");
      return FALSE;
    }

  return TRUE;
}

/**
 * sesame_reflector_parse_wait:
 * @header: (nullable): the request's Sesame-Check-Wait header, untrusted
 * @default_ms: the reflector's own time (--timeout-ms)
 *
 * How long a check waits for the ports' answers. The client measured how
 * long the reflector takes to answer it and asks for a wait to match: a
 * filtered port on a fast link then costs a few round trips, not 2 s, and
 * a slow link gets the time it needs. Digits only, at least
 * %SESAME_REFLECTOR_MIN_WAIT_MS and at most %SESAME_REFLECTOR_MAX_WAIT_MS
 * (or @default_ms when that is longer); anything else is @default_ms.
 *
 * Returns: the wait in ms
 */
guint
sesame_reflector_parse_wait (const char *header,
                             guint       default_ms)
{
  guint64 value;

  if (header == NULL || *header == '\0' || strlen (header) > 6 ||
      strspn (header, "0123456789") != strlen (header))
    return default_ms;

  value = g_ascii_strtoull (header, NULL, 10);
  return (guint) CLAMP (value, SESAME_REFLECTOR_MIN_WAIT_MS, MAX (default_ms, SESAME_REFLECTOR_MAX_WAIT_MS));
}

/**
 * sesame_reflector_udp_tries:
 * @payload_size: the size of one datagram
 * @n_ports: how many ports get it
 * @request_size: the size of the request that asked
 *
 * How many times each port may be sent the datagram so that all of them
 * together are no larger than the request: never an amplifier.
 *
 * Returns: 0 to %UDP_MAX_TRIES (3)
 */
guint
sesame_reflector_udp_tries (gsize payload_size,
                            guint n_ports,
                            gsize request_size)
{
  gsize per_try = payload_size * MAX (n_ports, 1);

  if (per_try == 0)
    return 0;

  return (guint) MIN ((gsize) UDP_MAX_TRIES, request_size / per_try);
}

/* STUN */

typedef struct
{
  SesameReflector *self;
  guint            a;
  guint            p;
} StunSlot;

static gboolean
on_stun_readable (GSocket      *socket,
                  GIOCondition  condition,
                  gpointer      user_data)
{
  StunSlot *slot = user_data;
  SesameReflector *self = slot->self;
  guint8 buffer[SESAME_STUN_MAX_MESSAGE_SIZE + 1];
  guint8 response[SESAME_STUN_MAX_RESPONSE_SIZE];
  g_autoptr(GSocketAddress) sender = NULL;
  g_autoptr(GError) error = NULL;
  SesameStunMessage message;
  SesameStunAddress mapped, other, origin;
  g_autoptr(GSocketAddress) origin_address = NULL;
  g_autofree char *key = NULL;
  GSocket *out;
  guint retry_after;
  gssize size;
  gsize response_size;
  guint a, p;

  size = g_socket_receive_from (socket, &sender, (char *) buffer, sizeof buffer, NULL, &error);
  if (size < 0 || sender == NULL || !G_IS_INET_SOCKET_ADDRESS (sender))
    return G_SOURCE_CONTINUE;

  if (!sesame_stun_parse (buffer, (gsize) size, &message, NULL) ||
      message.message_class != SESAME_STUN_CLASS_REQUEST ||
      message.method != SESAME_STUN_METHOD_BINDING ||
      message.n_unknown_attributes > 0)
    return G_SOURCE_CONTINUE;

  key = client_key (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (sender)));
  if (!limiter_take (&self->stun_limiter, key, 1, &retry_after))
    return G_SOURCE_CONTINUE;

  a = slot->a;
  p = slot->p;
  if (message.has_change_request && (message.change_flags & SESAME_STUN_REQUEST_CHANGE_IP))
    a ^= 1;
  if (message.has_change_request && (message.change_flags & SESAME_STUN_REQUEST_CHANGE_PORT))
    p ^= 1;
  out = self->stun[a][p];

  if (!sesame_stun_address_from_socket_address (sender, &mapped))
    return G_SOURCE_CONTINUE;
  {
    g_autoptr(GSocketAddress) other_address = g_inet_socket_address_new (self->addresses[slot->a ^ 1],
                                                                         self->ports[slot->p ^ 1]);
    sesame_stun_address_from_socket_address (other_address, &other);
  }
  origin_address = g_inet_socket_address_new (self->addresses[a], self->ports[p]);
  sesame_stun_address_from_socket_address (origin_address, &origin);

  response_size = sesame_stun_build_binding_response (response, sizeof response, &message.transaction_id,
                                                      &mapped, &other, &origin,
                                                      message.has_fingerprint, NULL);
  if (response_size > 0)
    g_socket_send_to (out, sender, (const char *) response, response_size, NULL, NULL);

  return G_SOURCE_CONTINUE;
}

static GSocket *
bind_udp (GInetAddress  *address,
          guint16        port,
          GError       **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, port);

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;

  g_socket_set_blocking (socket, FALSE);
  if (!g_socket_bind (socket, socket_address, FALSE, error))
    return NULL;

  return g_steal_pointer (&socket);
}

static guint16
socket_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);

  return local != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)) : 0;
}

static gboolean
start_stun (SesameReflector  *self,
            GError          **error)
{
  for (guint p = 0; p < 2; p++)
    for (guint a = 0; a < 2; a++)
      {
        StunSlot *slot;

        /* Port 0: the first address picks it, the second takes the same */
        self->stun[a][p] = bind_udp (self->addresses[a], self->ports[p], error);
        if (self->stun[a][p] == NULL)
          {
            g_autofree char *address = g_inet_address_to_string (self->addresses[a]);

            g_prefix_error (error, "STUN on %s port %u: ", address, self->ports[p]);
            return FALSE;
          }
        if (self->ports[p] == 0)
          self->ports[p] = socket_port (self->stun[a][p]);

        slot = g_new0 (StunSlot, 1);
        slot->self = self;
        slot->a = a;
        slot->p = p;
        self->stun_sources[a][p] = g_socket_create_source (self->stun[a][p], G_IO_IN, NULL);
        g_source_set_callback (self->stun_sources[a][p], (GSourceFunc) G_CALLBACK (on_stun_readable),
                               slot, g_free);
        g_source_attach (self->stun_sources[a][p], g_main_context_get_thread_default ());
      }

  return TRUE;
}

/* Connect-back checks */

typedef enum
{
  STATE_OPEN,
  STATE_REFUSED,
  STATE_FILTERED,
} State;

static const char * const state_names[] = { "open", "refused", "filtered" };

typedef struct _Request Request;

typedef struct
{
  Request      *request;
  guint16       port;
  State         state;
  gboolean      done;
  GSocket      *socket;       /* UDP */
  GSource      *source;       /* UDP: replies */
  guint         resend_id;
  guint         sends_left;
  GCancellable *cancellable;  /* TCP */
} Probe;

struct _Request
{
  SesameReflector      *self;
  SoupServerMessage    *message;
  char                 *client;        /* the rate-limit key */
  GInetAddress         *peer;          /* the only address ever checked */
  GInetAddress         *local;         /* where the request arrived: checks come from there */
  SesameReflectorCheck  check;
  Probe                 probes[SESAME_REFLECTOR_MAX_PORTS];
  guint                 pending;
  guint                 timeout_id;
  guint                 wait_ms;       /* how long the ports are given to answer */
  gsize                 payload_size;
};

static void
request_free (Request *request)
{
  SesameReflector *self = request->self;
  Bucket *bucket = g_hash_table_lookup (self->checks.buckets, request->client);

  if (bucket != NULL && bucket->in_flight >= request->check.n_ports)
    bucket->in_flight -= request->check.n_ports;
  self->in_flight -= MIN (self->in_flight, request->check.n_ports);

  g_clear_handle_id (&request->timeout_id, source_remove);
  for (guint i = 0; i < request->check.n_ports; i++)
    {
      Probe *probe = &request->probes[i];

      g_clear_handle_id (&probe->resend_id, source_remove);
      if (probe->source != NULL)
        g_source_destroy (probe->source);
      g_clear_pointer (&probe->source, g_source_unref);
      if (probe->socket != NULL)
        g_socket_close (probe->socket, NULL);
      g_clear_object (&probe->socket);
      if (probe->cancellable != NULL)
        g_cancellable_cancel (probe->cancellable);
      g_clear_object (&probe->cancellable);
    }

  g_clear_object (&request->message);
  g_clear_object (&request->peer);
  g_clear_object (&request->local);
  g_free (request->client);
  g_object_unref (self);
  g_free (request);
}

static void
respond_json (SoupServerMessage *message,
              guint              status,
              JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);
  g_autofree char *body = g_strconcat (text, "\n", NULL);

  soup_server_message_set_status (message, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Cache-Control", "no-store");
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY,
                                    body, strlen (body));
}

static void
respond_error (SoupServerMessage *message,
               guint              status,
               const char        *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  respond_json (message, status, builder);
}

static void
request_finish (Request *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *peer = g_inet_address_to_string (request->peer);
  const char *proto = request->check.udp ? "udp" : "tcp";

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ip");
  json_builder_add_string_value (builder, peer);
  json_builder_set_member_name (builder, "proto");
  json_builder_add_string_value (builder, proto);

  if (request->check.n_ports == 1)
    {
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, request->probes[0].port);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, state_names[request->probes[0].state]);
      json_builder_set_member_name (builder, "open");
      json_builder_add_boolean_value (builder, request->probes[0].state == STATE_OPEN);
    }
  else
    {
      json_builder_set_member_name (builder, "ports");
      json_builder_begin_array (builder);
      for (guint i = 0; i < request->check.n_ports; i++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "port");
          json_builder_add_int_value (builder, request->probes[i].port);
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder, state_names[request->probes[i].state]);
          json_builder_set_member_name (builder, "open");
          json_builder_add_boolean_value (builder, request->probes[i].state == STATE_OPEN);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);

  for (guint i = 0; i < request->check.n_ports; i++)
    g_message ("check %s %s/%u: %s", peer, proto, request->probes[i].port,
            state_names[request->probes[i].state]);

  respond_json (request->message, SOUP_STATUS_OK, builder);
  soup_server_message_unpause (request->message);
  request_free (request);
}

static void
probe_done (Probe *probe,
            State  state)
{
  Request *request = probe->request;

  if (probe->done)
    return;

  probe->done = TRUE;
  probe->state = state;
  g_clear_handle_id (&probe->resend_id, source_remove);
  if (probe->source != NULL)
    g_source_destroy (probe->source);
  g_clear_pointer (&probe->source, g_source_unref);

  if (--request->pending == 0)
    request_finish (request);
}

static gboolean
on_request_timeout (gpointer user_data)
{
  Request *request = user_data;

  request->timeout_id = 0;

  /* Every probe without an answer by now is filtered: a UDP one at once, a
   * TCP one when its connect returns cancelled. Held meanwhile, so that the
   * last one does not free the request under this loop. */
  request->pending++;
  for (guint i = 0; i < request->check.n_ports; i++)
    {
      Probe *probe = &request->probes[i];

      if (probe->done)
        continue;
      if (probe->cancellable != NULL)
        g_cancellable_cancel (probe->cancellable);
      else
        probe_done (probe, STATE_FILTERED);
    }
  if (--request->pending == 0)
    request_finish (request);

  return G_SOURCE_REMOVE;
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);

  if (connection != NULL)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      probe_done (probe, STATE_OPEN);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    probe_done (probe, STATE_REFUSED);
  else
    probe_done (probe, STATE_FILTERED);
}

static void
start_tcp (Probe *probe)
{
  Request *request = probe->request;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (request->local, 0);
  g_autoptr(GSocketAddress) target = g_inet_socket_address_new (request->peer, probe->port);

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_local_address (client, local);
  probe->cancellable = g_cancellable_new ();
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (target), probe->cancellable,
                                 connect_cb, probe);
}

static const guint8 *
udp_payload (Request *request,
             gsize   *size)
{
  if (request->check.nonce_size > 0)
    {
      *size = request->check.nonce_size;
      return request->check.nonce;
    }

  *size = strlen (UDP_PROBE);
  return (const guint8 *) UDP_PROBE;
}

/* FALSE when the probe is over (and its request may be gone) */
static gboolean
udp_send (Probe *probe)
{
  gsize size;
  const guint8 *payload = udp_payload (probe->request, &size);
  g_autoptr(GError) error = NULL;

  g_assert (probe->sends_left > 0);
  probe->sends_left--;

  if (g_socket_send (probe->socket, (const char *) payload, size, NULL, &error) < 0 &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    {
      probe_done (probe, STATE_REFUSED);
      return FALSE;
    }

  return TRUE;
}

static gboolean
on_udp_resend (gpointer user_data)
{
  Probe *probe = user_data;

  /* Over: probe_done() has removed this source already */
  if (!udp_send (probe))
    return G_SOURCE_REMOVE;

  if (probe->sends_left == 0)
    {
      probe->resend_id = 0;
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_udp_readable (GSocket      *socket,
                 GIOCondition  condition,
                 gpointer      user_data)
{
  Probe *probe = user_data;
  g_autoptr(GError) error = NULL;
  char buffer[64];

  /* Connected: only the requester's own address and port get through */
  if (g_socket_receive (socket, buffer, sizeof buffer, NULL, &error) >= 0)
    probe_done (probe, STATE_OPEN);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    probe_done (probe, STATE_REFUSED);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    probe_done (probe, STATE_FILTERED);

  return G_SOURCE_CONTINUE;
}

static gboolean
start_udp (Probe  *probe,
           guint   tries,
           GError **error)
{
  Request *request = probe->request;
  g_autoptr(GSocketAddress) target = g_inet_socket_address_new (request->peer, probe->port);

  probe->socket = bind_udp (request->local, 0, error);
  if (probe->socket == NULL)
    return FALSE;
  if (!g_socket_connect (probe->socket, target, NULL, error))
    return FALSE;

  probe->source = g_socket_create_source (probe->socket, G_IO_IN, NULL);
  g_source_set_callback (probe->source, (GSourceFunc) G_CALLBACK (on_udp_readable), probe, NULL);
  g_source_attach (probe->source, g_main_context_get_thread_default ());

  probe->sends_left = tries;
  if (udp_send (probe) && probe->sends_left > 0)
    probe->resend_id = timeout_add (MAX (request->wait_ms / (tries + 1), 50),
                                      on_udp_resend, probe);
  return TRUE;
}

/* What the client sent, as near as the parsed message tells; never more
 * than it sent, so that what is sent back stays smaller */
static gsize
request_size (SoupServerMessage *message)
{
  GUri *uri = soup_server_message_get_uri (message);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gsize size;

  size = strlen (soup_server_message_get_method (message)) + 1 +
         strlen (g_uri_get_path (uri)) + strlen (" HTTP/1.1\r\n") + 2;
  if (g_uri_get_query (uri) != NULL)
    size += 1 + strlen (g_uri_get_query (uri));

  soup_message_headers_iter_init (&iter, soup_server_message_get_request_headers (message));
  while (soup_message_headers_iter_next (&iter, &name, &value))
    size += strlen (name) + 2 + strlen (value) + 2;

  return size;
}

static GInetAddress *
message_address (GSocketAddress *address)
{
  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;

  return g_object_ref (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static void
handle_check (SesameReflector   *self,
              SoupServerMessage *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) peer = message_address (soup_server_message_get_remote_address (message));
  g_autoptr(GInetAddress) local = message_address (soup_server_message_get_local_address (message));
  SesameReflectorCheck check;
  Request *request;
  g_autofree char *key = NULL;
  Bucket *bucket;
  guint retry_after;
  guint tries = 0;

  if (peer == NULL || local == NULL)
    {
      respond_error (message, SOUP_STATUS_INTERNAL_SERVER_ERROR, "no peer address");
      return;
    }

  if (!sesame_reflector_parse_check (g_uri_get_query (soup_server_message_get_uri (message)),
                                     &check, &error))
    {
      respond_error (message, SOUP_STATUS_BAD_REQUEST, error->message);
      return;
    }

  if (check.udp)
    {
      gsize payload_size;

      payload_size = check.nonce_size > 0 ? check.nonce_size : strlen (UDP_PROBE);
      tries = sesame_reflector_udp_tries (payload_size, check.n_ports, request_size (message));
      if (tries == 0)
        {
          respond_error (message, SOUP_STATUS_BAD_REQUEST,
                         "the request is smaller than what it asks to be sent: fewer ports or a shorter nonce");
          return;
        }
    }

  key = client_key (peer);
  if (!limiter_take (&self->checks, key, check.n_ports, &retry_after))
    {
      g_autofree char *seconds = g_strdup_printf ("%u", retry_after);
      g_autofree char *address = g_inet_address_to_string (peer);

      g_message ("rate limit: %s asked for %u more port(s)", address, check.n_ports);
      soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                    "Retry-After", seconds);
      respond_error (message, 429 /* Too Many Requests */, "too many checks from this address; try again later");
      return;
    }

  bucket = g_hash_table_lookup (self->checks.buckets, key);
  g_assert (bucket != NULL);
  if (bucket->in_flight + check.n_ports > MAX_IN_FLIGHT || self->in_flight + check.n_ports > MAX_IN_FLIGHT_ALL)
    {
      /* Given back: nothing was checked */
      bucket->tokens += check.n_ports;
      soup_message_headers_replace (soup_server_message_get_response_headers (message), "Retry-After", "2");
      respond_error (message, SOUP_STATUS_SERVICE_UNAVAILABLE, "too many checks at once; try again shortly");
      return;
    }
  bucket->in_flight += check.n_ports;
  self->in_flight += check.n_ports;

  request = g_new0 (Request, 1);
  request->self = g_object_ref (self);
  request->message = g_object_ref (message);
  request->client = g_steal_pointer (&key);
  request->peer = g_steal_pointer (&peer);
  request->local = g_steal_pointer (&local);
  request->check = check;
  request->pending = check.n_ports;
  request->wait_ms = sesame_reflector_parse_wait (
    soup_message_headers_get_one (soup_server_message_get_request_headers (message), "Sesame-Check-Wait"),
    self->timeout_ms);

  soup_server_message_pause (message);
  request->timeout_id = timeout_add (request->wait_ms, on_request_timeout, request);

  /* Held while the probes start, so that one failing at once does not end the request */
  request->pending++;
  for (guint i = 0; i < check.n_ports; i++)
    {
      Probe *probe = &request->probes[i];

      probe->request = request;
      probe->port = check.ports[i];
      probe->state = STATE_FILTERED;

      if (!check.udp)
        start_tcp (probe);
      else if (!start_udp (probe, tries, &error))
        {
          g_message ("UDP check: %s", error->message);
          g_clear_error (&error);
          probe_done (probe, STATE_FILTERED);
        }
    }
  if (--request->pending == 0)
    request_finish (request);
}

static gboolean
wants_text (SoupServerMessage *message)
{
  const char *accept = soup_message_headers_get_list (soup_server_message_get_request_headers (message),
                                                      "Accept");

  return accept != NULL && strstr (accept, "text/plain") != NULL && strstr (accept, "json") == NULL;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SesameReflector *self = user_data;
  const char *method = soup_server_message_get_method (message);

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (message), "Allow", "GET, HEAD");
      respond_error (message, SOUP_STATUS_METHOD_NOT_ALLOWED, "only GET");
      return;
    }

  if (g_str_equal (path, "/ip") || g_str_equal (path, "/ip.txt"))
    {
      g_autoptr(GInetAddress) peer = message_address (soup_server_message_get_remote_address (message));
      g_autofree char *text = peer != NULL ? g_inet_address_to_string (peer) : g_strdup ("");

      if (g_str_equal (path, "/ip.txt") || wants_text (message))
        {
          g_autofree char *body = g_strconcat (text, "\n", NULL);

          soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
          soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                        "Cache-Control", "no-store");
          soup_server_message_set_response (message, "text/plain; charset=utf-8", SOUP_MEMORY_COPY,
                                            body, strlen (body));
        }
      else
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "ip");
          json_builder_add_string_value (builder, text);
          json_builder_end_object (builder);
          respond_json (message, SOUP_STATUS_OK, builder);
        }
      return;
    }

  if (g_str_equal (path, "/check"))
    {
      handle_check (self, message);
      return;
    }

  if (g_str_equal (path, "/"))
    {
      static const char usage[] = "GET /ip  /ip.txt  /check?port=N&proto=tcp|udp[&nonce=HEX]\n";

      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "text/plain; charset=utf-8", SOUP_MEMORY_STATIC,
                                        usage, strlen (usage));
      return;
    }

  respond_error (message, SOUP_STATUS_NOT_FOUND, "not found");
}

static gboolean
listen_http (SesameReflector  *self,
             guint16          *port,
             SoupServerListenOptions options,
             GError          **error)
{
  for (guint a = 0; a < 2; a++)
    {
      g_autoptr(GSocketAddress) address = g_inet_socket_address_new (self->addresses[a], *port);

      if (a == 1 && g_inet_address_equal (self->addresses[0], self->addresses[1]))
        break;

      if (!soup_server_listen (self->server, address, options, error))
        {
          g_autofree char *text = g_inet_address_to_string (self->addresses[a]);

          g_prefix_error (error, "HTTP on %s port %u: ", text, *port);
          return FALSE;
        }

      if (*port == 0)
        {
          GSList *uris = soup_server_get_uris (self->server);

          for (GSList *l = uris; l != NULL; l = l->next)
            *port = (guint16) MAX (*port, g_uri_get_port (l->data));
          g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
        }
    }

  return TRUE;
}

/**
 * sesame_reflector_start:
 * @self: a reflector
 * @error: return location for a #GError
 *
 * Opens the four STUN sockets and the HTTP (and HTTPS) listeners on the
 * thread-default main context.
 */
gboolean
sesame_reflector_start (SesameReflector  *self,
                        GError          **error)
{
  g_return_val_if_fail (SESAME_IS_REFLECTOR (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  if (g_inet_address_get_family (self->addresses[0]) != g_inet_address_get_family (self->addresses[1]) ||
      g_inet_address_equal (self->addresses[0], self->addresses[1]))
    {
      g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_ADDRESS,
                   "the two addresses must differ and be of the same family (both IPv4 or both IPv6)");
      return FALSE;
    }
  if (self->ports[0] != 0 && self->ports[0] == self->ports[1])
    {
      g_set_error (error, SESAME_REFLECTOR_ERROR, SESAME_REFLECTOR_ERROR_BAD_ADDRESS,
                   "the two STUN ports must differ");
      return FALSE;
    }

  if (!start_stun (self, error))
    return FALSE;

  self->server = soup_server_new ("server-header", "sesame-reflector/" PACKAGE_VERSION,
                                  "tls-certificate", self->certificate,
                                  NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);

  if (!listen_http (self, &self->http_port, 0, error))
    return FALSE;
  if (self->certificate != NULL && !listen_http (self, &self->https_port, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;

  {
    g_autofree char *a1 = g_inet_address_to_string (self->addresses[0]);
    g_autofree char *a2 = g_inet_address_to_string (self->addresses[1]);

    g_message ("STUN on %s and %s, ports %u and %u; HTTP on port %u%s",
               a1, a2, self->ports[0], self->ports[1], self->http_port,
               self->certificate != NULL ? ", HTTPS too" : "");
  }

  return TRUE;
}
