@NullMarked
package org.overturn.pas;

import org.jspecify.annotations.NullMarked;
