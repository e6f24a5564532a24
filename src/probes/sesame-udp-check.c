/* sesame-udp-check.c
 *
 * A UDP port cannot be "connected to": whether it is reachable shows only
 * when something sent there arrives. So Sesame listens on the port (a
 * #SesameTempListener, while nothing else does), asks the check service —
 * sesame-reflector, or anything that takes the same template — to send a
 * random nonce to its public address and that port (`&nonce=HEX`), and
 * calls the port open when the nonce arrives, filtered when it does not.
 * The listener sends the nonce back, so the service sees an answer too.
 *
 * When the real service has the port, Sesame cannot listen there: the
 * check service's own probe then tells only if that service answers it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-udp-check"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sesame-http-probe.h"
#include "sesame-udp-check.h"

/* The check URL for @port with `nonce=HEX` added (or put in for `{nonce}`) */
char *
sesame_udp_check_build_url (const char   *template,
                            guint16       port,
                            const guint8 *nonce,
                            gsize         nonce_size)
{
  g_autofree char *url = NULL;
  g_autoptr(GString) hex = g_string_new (NULL);

  g_return_val_if_fail (template != NULL, NULL);

  url = sesame_http_expand_check_url (template, "udp", port);
  if (nonce == NULL || nonce_size == 0)
    return g_steal_pointer (&url);

  for (gsize i = 0; i < nonce_size; i++)
    g_string_append_printf (hex, "%02x", nonce[i]);

  if (strstr (url, "{nonce}") != NULL)
    {
      g_autoptr(GString) expanded = g_string_new (url);

      g_string_replace (expanded, "{nonce}", hex->str, 0);
      return g_string_free (g_steal_pointer (&expanded), FALSE);
    }

  return g_strconcat (url, strchr (url, '?') != NULL ? "&nonce=" : "?nonce=", hex->str, NULL);
}

/**
 * sesame_udp_check_verdict:
 * @listened: whether Sesame listened on the port itself during the check
 * @nonce_arrived: whether the nonce came
 * @service_said: what the check service answered
 * @port: the port, for @reason
 * @reason: (out) (optional) (nullable): why, when the verdict needs one
 *
 * Returns: what the check found
 */
SesameReachability
sesame_udp_check_verdict (gboolean             listened,
                          gboolean             nonce_arrived,
                          SesameReachability   service_said,
                          guint16              port,
                          char               **reason)
{
  if (reason != NULL)
    *reason = NULL;

  if (listened)
    {
      if (nonce_arrived)
        return SESAME_REACHABILITY_OPEN;
      if (service_said == SESAME_REACHABILITY_REFUSED)
        return SESAME_REACHABILITY_REFUSED;
      if (service_said == SESAME_REACHABILITY_OPEN && reason != NULL)
        *reason = g_strdup_printf (_("Something answered the check on UDP port %u, but not this computer: the router forwards the port elsewhere."),
                                   port);
      return SESAME_REACHABILITY_FILTERED;
    }

  if (service_said == SESAME_REACHABILITY_OPEN)
    {
      if (reason != NULL)
        *reason = g_strdup_printf (_("The service on UDP port %u answered the check from the internet."), port);
      return SESAME_REACHABILITY_OPEN;
    }
  if (service_said == SESAME_REACHABILITY_REFUSED)
    return SESAME_REACHABILITY_REFUSED;

  if (reason != NULL)
    *reason = g_strdup_printf (_("The UDP check needs port %u free for Sesame to listen on, and a service has it: "
                                 "only an answer from that service could tell, and it did not answer. "
                                 "Stop the service for a moment and check again."),
                               port);
  return SESAME_REACHABILITY_UNKNOWN;
}

typedef struct
{
  SesameTempListener *listener;   /* nullable */
  guint16             port;
  char               *reason;     /* nullable */
} Check;

static void
check_free (gpointer data)
{
  Check *check = data;

  g_clear_object (&check->listener);
  g_free (check->reason);
  g_free (check);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = sesame_http_fetch_finish (SOUP_SESSION (object), result, &error);
  SesameReachability said = SESAME_REACHABILITY_UNKNOWN;
  gboolean arrived = check->listener != NULL && sesame_temp_listener_get_arrived (check->listener);

  if (body == NULL ||
      !sesame_http_parse_check_response (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &said, &error))
    {
      /* The nonce is proof enough, whatever became of the answer */
      if (!arrived)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  g_task_return_int (task, sesame_udp_check_verdict (check->listener != NULL, arrived, said,
                                                     check->port, &check->reason));
}

/**
 * sesame_udp_check_async:
 * @session: the session for the check service
 * @template: the check service's URL template, with {port} and {proto}
 * @port: the UDP port, the same outside and in
 * @listener: (nullable): Sesame's own listener on @port, or %NULL when a
 *   service has the port
 * @check_wait_ms: how long the check service is asked to wait for the
 *   port's answer, or 0 to leave it to the service
 * @timeout_ms: the deadline
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
sesame_udp_check_async (SoupSession         *session,
                        const char          *template,
                        guint16              port,
                        SesameTempListener  *listener,
                        guint                check_wait_ms,
                        guint                timeout_ms,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *url = NULL;
  guint8 nonce[SESAME_UDP_CHECK_NONCE_SIZE];
  Check *check;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (template != NULL);
  g_return_if_fail (listener == NULL || SESAME_IS_TEMP_LISTENER (listener));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_udp_check_async);

  check = g_new0 (Check, 1);
  check->port = port;
  check->listener = listener != NULL ? g_object_ref (listener) : NULL;
  g_task_set_task_data (task, check, check_free);

  if (listener != NULL)
    {
      for (gsize i = 0; i < sizeof nonce; i += 4)
        {
          guint32 value = g_random_int ();

          memcpy (nonce + i, &value, 4);
        }
      sesame_temp_listener_expect (listener, nonce, sizeof nonce);
      url = sesame_udp_check_build_url (template, port, nonce, sizeof nonce);
    }
  else
    url = sesame_udp_check_build_url (template, port, NULL, 0);

  sesame_http_fetch_check_async (session, url, check_wait_ms, timeout_ms, cancellable, fetch_cb,
                                 g_steal_pointer (&task));
}

/**
 * sesame_udp_check_finish:
 * @result: the result
 * @reason: (out) (optional) (nullable): why, when the verdict needs a word
 * @error: the check service's failure, when the nonce did not arrive either
 *
 * Returns: the verdict, %SESAME_REACHABILITY_UNKNOWN on error
 */
SesameReachability
sesame_udp_check_finish (GAsyncResult  *result,
                         char         **reason,
                         GError       **error)
{
  GTask *task = G_TASK (result);
  Check *check = g_task_get_task_data (task);
  gssize verdict;

  g_return_val_if_fail (g_task_is_valid (result, NULL), SESAME_REACHABILITY_UNKNOWN);

  verdict = g_task_propagate_int (task, error);
  if (reason != NULL)
    *reason = verdict >= 0 ? g_steal_pointer (&check->reason) : NULL;

  return verdict >= 0 ? (SesameReachability) verdict : SESAME_REACHABILITY_UNKNOWN;
}
