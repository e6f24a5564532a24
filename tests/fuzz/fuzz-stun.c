/* fuzz-stun.c: libFuzzer target for the STUN parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdint.h>
#include <string.h>

#include "sesame-stun.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_text (const char *text)
{
  g_assert (strlen (text) < SESAME_STUN_MAX_TEXT_SIZE);
  g_assert (g_utf8_validate (text, -1, NULL));

  for (const char *p = text; *p != '\0'; p++)
    g_assert ((guchar) *p >= 0x20 && *p != 0x7F);
}

/* What sesame_stun_parse() fills in survives the round trip through GIO */
static void
check_address (const SesameStunAddress *address)
{
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autofree char *text = NULL;
  SesameStunAddress back;

  if (!sesame_stun_address_is_set (address))
    {
      g_assert (address->family == SESAME_STUN_FAMILY_NONE);
      return;
    }

  text = sesame_stun_address_to_string (address);
  g_assert (text != NULL);

  socket_address = sesame_stun_address_to_socket_address (address);
  g_assert (sesame_stun_address_from_socket_address (socket_address, &back));

  /* An IPv4-mapped IPv6 address comes back as IPv4, so compare the text then */
  if (back.family == address->family)
    g_assert (sesame_stun_address_equal (&back, address));
  else
    g_assert (address->family == SESAME_STUN_FAMILY_IPV6 && back.family == SESAME_STUN_FAMILY_IPV4);
}

/* A request is re-encoded from what was parsed, and must parse back the same */
static void
check_reencode (const SesameStunMessage *message)
{
  g_autoptr(GError) error = NULL;
  guint8 buffer[SESAME_STUN_MAX_REQUEST_SIZE];
  SesameStunRequestFlags flags = message->change_flags;
  SesameStunMessage again;
  gsize size;

  if (message->has_change_request)
    flags |= SESAME_STUN_REQUEST_CHANGE_REQUEST;
  if (message->has_fingerprint)
    flags |= SESAME_STUN_REQUEST_FINGERPRINT;

  size = sesame_stun_build_binding_request (buffer, sizeof buffer, &message->transaction_id,
                                            flags, message->software, &error);
  g_assert (size > 0 && error == NULL);
  g_assert (sesame_stun_parse (buffer, size, &again, &error));
  g_assert (again.message_class == SESAME_STUN_CLASS_REQUEST);
  g_assert (again.method == SESAME_STUN_METHOD_BINDING);
  g_assert (sesame_stun_transaction_id_equal (&again.transaction_id, &message->transaction_id));
  g_assert (again.has_change_request == message->has_change_request);
  g_assert (again.change_flags == message->change_flags);
  g_assert (again.has_fingerprint == message->has_fingerprint);
  g_assert (strcmp (again.software, message->software) == 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const guint8 key[] = "VOkJxbRl1RmTxUk/WvJxBt";
  g_autoptr(GError) error = NULL;
  SesameStunMessage message;

  if (!sesame_stun_parse (data, size, &message, &error))
    {
      g_assert (error != NULL && error->domain == SESAME_STUN_ERROR);
      g_assert (error->message != NULL && error->message[0] != '\0');
      return 0;
    }

  g_assert (error == NULL);
  g_assert (size >= SESAME_STUN_HEADER_SIZE && size <= SESAME_STUN_MAX_MESSAGE_SIZE);
  g_assert ((gsize) message.length + SESAME_STUN_HEADER_SIZE == size);
  g_assert (message.length % 4 == 0);
  g_assert (message.error_code == 0 || (message.error_code >= 300 && message.error_code <= 699));
  g_assert ((message.change_flags & ~(guint) (SESAME_STUN_REQUEST_CHANGE_IP |
                                              SESAME_STUN_REQUEST_CHANGE_PORT)) == 0);
  check_text (message.error_reason);
  check_text (message.software);

  check_address (&message.xor_mapped_address);
  check_address (&message.mapped_address);
  check_address (&message.other_address);
  check_address (&message.response_origin);
  check_address (&message.changed_address);
  (void) sesame_stun_message_get_mapped_address (&message);
  (void) sesame_stun_message_is_response_to (&message, &message.transaction_id);

  if (message.has_message_integrity)
    {
      g_assert (message.integrity_offset >= SESAME_STUN_HEADER_SIZE);
      g_assert (message.integrity_offset + 24 <= size);
      if (!sesame_stun_verify_integrity (data, size, key, sizeof key - 1, &error))
        g_assert (g_error_matches (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_BAD_INTEGRITY));
      g_clear_error (&error);
    }
  else
    {
      g_assert (!sesame_stun_verify_integrity (data, size, key, sizeof key - 1, &error));
      g_assert (g_error_matches (error, SESAME_STUN_ERROR, SESAME_STUN_ERROR_NO_INTEGRITY));
      g_clear_error (&error);
    }

  if (message.message_class == SESAME_STUN_CLASS_REQUEST &&
      message.method == SESAME_STUN_METHOD_BINDING)
    check_reencode (&message);

  return 0;
}
