@NullMarked
package org.overturn.subscriptions;

import org.jspecify.annotations.NullMarked;
