@NullMarked
package org.overturn.store;

import org.jspecify.annotations.NullMarked;
