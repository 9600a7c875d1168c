/** The custom claim firestore.rules requires (`request.auth.token.admin == true`) to read traces and reports. */
export const ADMIN_CLAIM = "admin";
