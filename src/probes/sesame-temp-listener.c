/* sesame-temp-listener.c
 *
 * A port the plan needs, with no service on it yet, cannot be checked from
 * outside: a connect-back gets "refused" from this computer, or nothing,
 * whatever the router does. So, for the length of the check, Sesame listens
 * there itself (where it may bind): TCP connections are accepted and closed
 * at once; a UDP datagram carrying the nonce the check service was asked to
 * send is noted and sent back, so that the service sees an answer too.
 * Nothing else is ever sent, and only the nonce is echoed, only to where it
 * came from.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-temp-listener"

#include "config.h"

#include <netinet/in.h>

#include <string.h>

#include "sesame-temp-listener.h"

#define MAX_NONCE 64

struct _SesameTempListener
{
  GObject   parent_instance;

  gboolean  udp;
  GSocket  *socket;
  GSource  *source;
  guint8    nonce[MAX_NONCE];
  gsize     nonce_size;
  gboolean  arrived;
  guint     accepted;
};

G_DEFINE_FINAL_TYPE (SesameTempListener, sesame_temp_listener, G_TYPE_OBJECT)

static void
sesame_temp_listener_dispose (GObject *object)
{
  sesame_temp_listener_close (SESAME_TEMP_LISTENER (object));

  G_OBJECT_CLASS (sesame_temp_listener_parent_class)->dispose (object);
}

static void
sesame_temp_listener_class_init (SesameTempListenerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sesame_temp_listener_dispose;
}

static void
sesame_temp_listener_init (SesameTempListener *self)
{
}

static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  SesameTempListener *self = user_data;

  if (!self->udp)
    {
      g_autoptr(GSocket) accepted = g_socket_accept (socket, NULL, NULL);

      if (accepted != NULL)
        {
          self->accepted++;
          g_socket_close (accepted, NULL);
        }
      return G_SOURCE_CONTINUE;
    }

  for (guint i = 0; i < 16; i++)
    {
      g_autoptr(GSocketAddress) sender = NULL;
      guint8 buffer[MAX_NONCE + 1];
      gssize size = g_socket_receive_from (socket, &sender, (char *) buffer, sizeof buffer, NULL, NULL);

      if (size < 0)
        break;

      if (self->nonce_size > 0 && (gsize) size == self->nonce_size &&
          memcmp (buffer, self->nonce, self->nonce_size) == 0)
        {
          self->arrived = TRUE;
          g_socket_send_to (socket, sender, (const char *) buffer, (gsize) size, NULL, NULL);
        }
    }

  return G_SOURCE_CONTINUE;
}

/**
 * sesame_temp_listener_new:
 * @protocol: "tcp" or "udp"
 * @port: the port, on every IPv4 address of this computer
 * @error: why it could not bind: %G_IO_ERROR_ADDRESS_IN_USE when something
 *   else has the port, %G_IO_ERROR_PERMISSION_DENIED below 1024
 *
 * Listens until closed or finalized, on the thread-default main context.
 *
 * Returns: (transfer full) (nullable): the listener
 */
SesameTempListener *
sesame_temp_listener_new (const char  *protocol,
                          guint16      port,
                          GError     **error)
{
  return sesame_temp_listener_new_for_family (protocol, port, G_SOCKET_FAMILY_IPV4, error);
}

/**
 * sesame_temp_listener_new_for_family:
 * @family: %G_SOCKET_FAMILY_IPV4, or %G_SOCKET_FAMILY_IPV6 for IPv6 alone
 *   (beside an IPv4 listener on the same port, for the check over IPv6)
 *
 * As sesame_temp_listener_new(), on every address of @family.
 */
SesameTempListener *
sesame_temp_listener_new_for_family (const char      *protocol,
                                     guint16          port,
                                     GSocketFamily    family,
                                     GError         **error)
{
  g_autoptr(SesameTempListener) self = NULL;
  g_autoptr(GInetAddress) any = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  gboolean udp = g_strcmp0 (protocol, "udp") == 0;

  g_return_val_if_fail (udp || g_strcmp0 (protocol, "tcp") == 0, NULL);
  g_return_val_if_fail (port > 0, NULL);
  g_return_val_if_fail (family == G_SOCKET_FAMILY_IPV4 || family == G_SOCKET_FAMILY_IPV6, NULL);

  any = g_inet_address_new_any (family);
  address = g_inet_socket_address_new (any, port);
  self = g_object_new (SESAME_TYPE_TEMP_LISTENER, NULL);
  self->udp = udp;
  self->socket = g_socket_new (family, udp ? G_SOCKET_TYPE_DATAGRAM : G_SOCKET_TYPE_STREAM,
                               G_SOCKET_PROTOCOL_DEFAULT, error);
  if (self->socket == NULL)
    return NULL;

  /* GLib makes IPv6 sockets dual-stack; this one leaves IPv4 to the other */
  if (family == G_SOCKET_FAMILY_IPV6 &&
      !g_socket_set_option (self->socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, error))
    return NULL;

  g_socket_set_blocking (self->socket, FALSE);
  /* For TCP, SO_REUSEADDR: the connection a check made to the listener of
   * the run before is in TIME_WAIT for a minute after the listener closed
   * it, and without the option on both the bind fails, nothing listens and
   * the next check finds the port refused. Linux still refuses the port
   * where something listens. Not for UDP, where it would share the port
   * with a service that has it. */
  if (!g_socket_bind (self->socket, address, !udp, error))
    return NULL;
  if (!udp && !g_socket_listen (self->socket, error))
    return NULL;

  self->source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->source, (GSourceFunc) G_CALLBACK (on_readable), self, NULL);
  g_source_attach (self->source, g_main_context_get_thread_default ());

  return g_steal_pointer (&self);
}

/* UDP: the nonce the check service was asked to send */
void
sesame_temp_listener_expect (SesameTempListener *self,
                             const guint8       *nonce,
                             gsize               nonce_size)
{
  g_return_if_fail (SESAME_IS_TEMP_LISTENER (self));
  g_return_if_fail (nonce_size > 0 && nonce_size <= MAX_NONCE);

  memcpy (self->nonce, nonce, nonce_size);
  self->nonce_size = nonce_size;
  self->arrived = FALSE;
}

gboolean
sesame_temp_listener_get_arrived (SesameTempListener *self)
{
  g_return_val_if_fail (SESAME_IS_TEMP_LISTENER (self), FALSE);

  return self->arrived;
}

/* TCP: how many connections came in */
guint
sesame_temp_listener_get_accepted (SesameTempListener *self)
{
  g_return_val_if_fail (SESAME_IS_TEMP_LISTENER (self), 0);

  return self->accepted;
}

void
sesame_temp_listener_close (SesameTempListener *self)
{
  g_return_if_fail (SESAME_IS_TEMP_LISTENER (self));

  if (self->source != NULL)
    g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
}
