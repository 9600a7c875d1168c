// Files shaped like what `firebase init` (firebase-tools 15) writes, for the `agent-traces init` tests.

/** Firestore + Functions (TypeScript) + Hosting: functions a list, hosting a single object. */
export const FIREBASE_JSON = `{
  "firestore": {
    "database": "(default)",
    "location": "nam5",
    "rules": "firestore.rules",
    "indexes": "firestore.indexes.json"
  },
  "functions": [
    {
      "source": "functions",
      "codebase": "default",
      "disallowLegacyRuntimeConfig": true,
      "ignore": [
        "node_modules",
        ".git",
        "firebase-debug.log",
        "firebase-debug.*.log",
        "*.local"
      ],
      "predeploy": [
        "npm --prefix \\"$RESOURCE_DIR\\" run lint",
        "npm --prefix \\"$RESOURCE_DIR\\" run build"
      ]
    }
  ],
  "hosting": {
    // the shop's storefront
    "public": "public",
    "ignore": [
      "firebase.json",
      "**/.*",
      "**/node_modules/**"
    ]
  }
}
`;

export const FIREBASERC = `{
  "projects": {
    "default": "demo-shop"
  }
}
`;

/** The indexes template, `//` comments and all (JSON.parse fails on it). */
export const INDEXES = `{
  // Example (Standard Edition):
  //
  // "indexes": [
  //   {
  //     "collectionGroup": "widgets",
  //     "queryScope": "COLLECTION",
  //     "fields": [
  //       { "fieldPath": "foo", "arrayConfig": "CONTAINS" },
  //       { "fieldPath": "bar", "mode": "DESCENDING" }
  //     ]
  //   },
  // ]
  "indexes": [],
  "fieldOverrides": []
}`;

/** Test mode: everything open until a date (a recursive wildcard with a condition that is not false). */
export const TEST_MODE_RULES = `rules_version='2'

service cloud.firestore {
  match /databases/{database}/documents {
    match /{document=**} {
      // This rule allows anyone with your database reference to view, edit,
      // and delete all data in your database.
      allow read, write: if request.time < timestamp.date(2026, 1, 9);
    }
  }
}
`;

/** Production mode: deny-all. */
export const DENY_ALL_RULES = `rules_version = '2';

service cloud.firestore {
  match /databases/{database}/documents {
    match /{document=**} {
      allow read, write: if false;
    }
  }
}
`;

/** A project's own rules, with an isAdmin() of its own, strings and comments holding braces. */
export const USER_RULES = `rules_version = '2';

/* The shop's rules. { not a block } */
service cloud.firestore {
  match /databases/{db}/documents {
    function isAdmin() {
      return request.auth != null && request.auth.token.role == 'admin}';
    }

    // orders: the customer's own, or an admin's { }
    match /orders/{orderId} {
      allow read: if isAdmin() || resource.data.uid == request.auth.uid;
      allow create: if request.auth != null;
    }

    match /{document=**} {
      allow read, write: if false;
    }
  }
}
`;
