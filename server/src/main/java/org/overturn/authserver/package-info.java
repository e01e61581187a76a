@NullMarked
package org.overturn.authserver;

import org.jspecify.annotations.NullMarked;
